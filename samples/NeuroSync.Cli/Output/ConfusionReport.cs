using NeuroSync.Evaluation;

namespace NeuroSync.Cli.Output;

/// <summary>The confusion matrix as printed: rows gold, columns predicted (the gold labels, then any label outside them).</summary>
/// <param name="Gold">The row labels.</param>
/// <param name="Predicted">The column labels.</param>
/// <param name="Counts">The counts, one array per row.</param>
internal sealed record ConfusionReport(IReadOnlyList<string> Gold, IReadOnlyList<string> Predicted, IReadOnlyList<int[]> Counts)
{
    /// <summary>Converts a confusion matrix.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <returns>The printed form.</returns>
    public static ConfusionReport From(ConfusionMatrix matrix) => new(
        matrix.GoldLabels,
        matrix.PredictedLabels,
        [.. Enumerable.Range(0, matrix.GoldLabels.Count).Select(row => Enumerable.Range(0, matrix.PredictedLabels.Count).Select(column => matrix[row, column]).ToArray())]);
}
