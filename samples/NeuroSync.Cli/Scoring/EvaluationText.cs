using System.Globalization;
using NeuroSync.Cli.Output;

namespace NeuroSync.Cli.Scoring;

/// <summary>Writes an evaluation report as text: the run, the scores beside their baselines, each label's scores and the
/// confusion matrix.</summary>
internal static class EvaluationText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(EvaluationReport report, TextWriter output)
    {
        output.WriteLine($"Model set: {report.ModelSet} ({report.Models}), mode {report.Mode}");
        string dropped = report.Dropped == 0 ? string.Empty : $", {report.Dropped} dropped";
        output.WriteLine($"Data: {report.Data}, {report.Items} items as {report.Kind}{dropped}; labels: {string.Join(", ", report.Labels)}");
        if (!report.Complete)
        {
            output.WriteLine($"Partial report: cancelled after {report.Done} of {report.Items} items; the figures cover the items done.");
        }

        double perItem = report.Done == 0 ? 0 : report.ElapsedSeconds * 1000 / report.Done;
        output.WriteLine(string.Create(Inv, $"Ran {report.Done} items in {report.ElapsedSeconds:0.0} s ({perItem:0.0} ms per item, {report.Parallel} at a time): {report.Scored} scored, {report.Failed} failed (not scored; named on stderr)"));
        output.WriteLine();
        if (report.Scored == 0)
        {
            output.WriteLine("No item was scored.");
            return;
        }

        int k = report.Classes.Count(c => c.Support > 0);
        string majority = $"majority ({report.Majority.Label})";
        string chance = $"chance (1/{k})";
        int w1 = Math.Max(majority.Length, 8);
        int w2 = Math.Max(chance.Length, 8);
        output.WriteLine($"  {"n = " + report.Scored.ToString(Inv),-10}  {"score",7}  {majority.PadLeft(w1)}  {chance.PadLeft(w2)}");
        WriteScoreRow(output, "accuracy", report.Scores.Accuracy, report.Majority.Accuracy, report.Chance.Accuracy, w1, w2);
        WriteScoreRow(output, "UAR", report.Scores.Uar, report.Majority.Uar, report.Chance.Uar, w1, w2);
        WriteScoreRow(output, "macro-F1", report.Scores.MacroF1, report.Majority.MacroF1, report.Chance.MacroF1, w1, w2);
        if (report.RawLabelScores != report.Scores)
        {
            ScoresReport raw = report.RawLabelScores;
            output.WriteLine(string.Create(Inv, $"  raw labels (the arg-max, before the silence override): accuracy {raw.Accuracy:0.000}, UAR {raw.Uar:0.000}, macro-F1 {raw.MacroF1:0.000}"));
        }

        output.WriteLine();
        int labelWidth = Math.Max(5, report.Labels.Max(l => l.Length));
        output.WriteLine($"  {"label".PadRight(labelWidth)}  precision  recall     F1  support  predicted");
        foreach (var c in report.Classes)
        {
            output.WriteLine(string.Create(Inv, $"  {c.Label.PadRight(labelWidth)}  {c.Precision,9:0.000}  {c.Recall,6:0.000}  {c.F1,5:0.000}  {c.Support,7}  {c.Predicted,9}"));
        }

        output.WriteLine();
        WriteConfusion(report.Confusion, output);
    }

    private static void WriteScoreRow(TextWriter output, string name, double score, double majority, double chance, int w1, int w2) =>
        output.WriteLine(string.Create(Inv, $"  {name,-10}  {score,7:0.000}  {majority.ToString("0.000", Inv).PadLeft(w1)}  {chance.ToString("0.000", Inv).PadLeft(w2)}"));

    private static void WriteConfusion(ConfusionReport confusion, TextWriter output)
    {
        output.WriteLine("Confusion matrix (rows gold, columns predicted; columns after '|' are labels outside the label set, always wrong):");
        int rowWidth = Math.Max("gold \\ predicted".Length, confusion.Gold.Max(l => l.Length));
        int[] widths = [.. confusion.Predicted.Select((l, c) => Math.Max(l.Length, confusion.Counts.Max(r => r[c]).ToString(Inv).Length))];
        int extrasFrom = confusion.Gold.Count;
        string Line(string first, Func<int, string> cell) =>
            $"  {first.PadRight(rowWidth)}"
            + string.Concat(Enumerable.Range(0, widths.Length).Select(c => (c == extrasFrom ? "  |" : string.Empty) + "  " + cell(c).PadLeft(widths[c])));
        output.WriteLine(Line("gold \\ predicted", c => confusion.Predicted[c]));
        for (int r = 0; r < confusion.Gold.Count; r++)
        {
            int[] row = confusion.Counts[r];
            output.WriteLine(Line(confusion.Gold[r], c => row[c].ToString(Inv)));
        }
    }
}
