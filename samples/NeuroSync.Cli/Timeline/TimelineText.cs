using System.Globalization;
using System.Text;
using NeuroSync.Cli.Output;

namespace NeuroSync.Cli.Timeline;

/// <summary>The readable form of a timeline: a table with one line per window, and the summary.</summary>
internal sealed class TimelineText
{
    private const int StatusWidth = 9; // "available", the longest status name
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly IReadOnlyList<string> _labels;
    private readonly int _labelWidth;

    /// <summary>Creates the table's layout.</summary>
    /// <param name="labels">The model set's labels (one score column each).</param>
    public TimelineText(IReadOnlyList<string> labels)
    {
        _labels = labels;
        _labelWidth = Math.Max(labels.Max(l => l.Length), "neutral (silence)".Length);
    }

    /// <summary>Gets the table's column headings.</summary>
    /// <returns>One line.</returns>
    public string Header()
    {
        var line = new StringBuilder();
        line.Append(Inv, $"{"start",7} {"end",7}  {"label".PadRight(_labelWidth)}  {"conf",5} ");
        foreach (string label in _labels)
        {
            line.Append(' ').Append(label.PadLeft(Math.Max(label.Length, 5)));
        }

        line.Append(Inv, $"  {"audio".PadRight(StatusWidth)}  {"video".PadRight(StatusWidth)}  {"faces",7}  {"track",-5}  dropped");
        return line.ToString();
    }

    /// <summary>Formats one row.</summary>
    /// <param name="row">The row.</param>
    /// <returns>One line.</returns>
    public string Row(TimelineWindowReport row)
    {
        var line = new StringBuilder();
        line.Append(Inv, $"{row.Start,7:0.00} {row.End,7:0.00}  {row.Label.PadRight(_labelWidth)}  {row.Confidence,5:0.000} ");
        foreach (string label in _labels)
        {
            line.Append(' ').Append(row.Scores[label].ToString("0.000", Inv).PadLeft(Math.Max(label.Length, 5)));
        }

        string faces = string.Create(Inv, $"{row.Faces.WithFace}/{row.Faces.Frames}");
        string track = row.Faces.Tracks.Count == 0 ? "-" : string.Join(',', row.Faces.Tracks);
        line.Append(Inv, $"  {row.Audio.Status.PadRight(StatusWidth)}  {row.Video.Status.PadRight(StatusWidth)}  {faces,7}  {track,-5}  {row.DroppedFrames,7}");
        return line.ToString();
    }

    /// <summary>Writes the summary.</summary>
    /// <param name="summary">The summary.</param>
    /// <param name="output">Where to write.</param>
    public static void WriteSummary(TimelineSummaryReport summary, TextWriter output)
    {
        string state = summary.Complete ? "the whole recording" : "stopped early (Ctrl+C): what was read";
        output.WriteLine(string.Create(Inv, $"Summary: {summary.Windows} window(s) over {summary.Duration:0.00} s ({state}), a window of {summary.Window:0.##} s every {summary.Hop:0.##} s"));
        if (summary.Dominant is { } dominant)
        {
            TimelineLabelReport d = summary.Labels[dominant];
            output.WriteLine(string.Create(Inv, $"Dominant label: {dominant} ({d.Windows} window(s), {d.Seconds:0.00} s)"));
        }

        int width = Math.Max(summary.Labels.Keys.Max(l => l.Length), "label".Length);
        output.WriteLine($"  {"label".PadRight(width)}  windows  seconds  share");
        foreach (var (label, held) in summary.Labels)
        {
            double share = summary.Duration > 0 ? 100 * held.Seconds / summary.Duration : 0;
            output.WriteLine(string.Create(Inv, $"  {label.PadRight(width)}  {held.Windows,7}  {held.Seconds,7:0.00}  {share,3:0} %"));
        }

        output.WriteLine(string.Create(Inv, $"Dropped frames: {summary.DroppedFrames}{(summary.SkippedUpdates > 0 ? $"; windows skipped (the command read too slowly): {summary.SkippedUpdates}" : string.Empty)}"));
    }
}
