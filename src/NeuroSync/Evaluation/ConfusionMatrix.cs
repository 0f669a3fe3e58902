namespace NeuroSync.Evaluation;

/// <summary>
/// How many items of each gold label were predicted as each label: rows are the gold labels, columns the gold labels followed by
/// every predicted label outside them (such as <c>unknown</c> or <c>neutral (silence)</c>), which are always wrong.
/// </summary>
/// <remarks>Immutable and thread-safe. Made by <see cref="ClassificationReport.Compute"/>.</remarks>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    internal ConfusionMatrix(IReadOnlyList<string> goldLabels, IReadOnlyList<string> predictedLabels, int[] counts)
    {
        GoldLabels = goldLabels;
        PredictedLabels = predictedLabels;
        _counts = counts;
    }

    /// <summary>Gets the row labels: the labels scored, in their given order.</summary>
    public IReadOnlyList<string> GoldLabels { get; }

    /// <summary>Gets the column labels: <see cref="GoldLabels"/> in the same order, then the predicted labels outside them,
    /// sorted ordinally (case-insensitive).</summary>
    public IReadOnlyList<string> PredictedLabels { get; }

    /// <summary>Gets how many columns hold labels outside <see cref="GoldLabels"/>.</summary>
    public int ExtraLabelCount => PredictedLabels.Count - GoldLabels.Count;

    /// <summary>Gets how many items with one gold label were predicted as one label.</summary>
    /// <param name="goldIndex">The row: an index into <see cref="GoldLabels"/>.</param>
    /// <param name="predictedIndex">The column: an index into <see cref="PredictedLabels"/>.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the matrix.</exception>
    public int this[int goldIndex, int predictedIndex]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(goldIndex);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(goldIndex, GoldLabels.Count);
            ArgumentOutOfRangeException.ThrowIfNegative(predictedIndex);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predictedIndex, PredictedLabels.Count);
            return _counts[(goldIndex * PredictedLabels.Count) + predictedIndex];
        }
    }

    /// <summary>Gets how many items have one gold label (the row's total, its class's support).</summary>
    /// <param name="goldIndex">The row: an index into <see cref="GoldLabels"/>.</param>
    /// <returns>The total.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the matrix.</exception>
    public int RowTotal(int goldIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(goldIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(goldIndex, GoldLabels.Count);
        int total = 0;
        foreach (int count in _counts.AsSpan(goldIndex * PredictedLabels.Count, PredictedLabels.Count))
        {
            total += count;
        }

        return total;
    }
}
