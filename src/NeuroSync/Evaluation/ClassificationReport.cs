namespace NeuroSync.Evaluation;

/// <summary>
/// How well predicted labels match gold labels: accuracy, unweighted average recall (UAR), macro-F1, the scores of each
/// label, the confusion matrix, and the same summary scores for a majority-class and a chance classifier beside them.
/// </summary>
/// <remarks>
/// <para>Immutable and thread-safe. Labels compare ordinally and case-insensitively, and are reported in the spelling of
/// the label set. A predicted label outside the label set (such as <c>unknown</c> or <c>neutral (silence)</c>) is wrong
/// and gets its own column in <see cref="Confusion"/>.</para>
/// <para>UAR and macro-F1 average over the <see cref="SupportedClassCount"/> labels that at least one item has, so a label
/// missing from the data neither helps nor hurts; a label never predicted has precision 0 and F1 0. With no items every
/// score is 0 and <see cref="MajorityLabel"/> is <see langword="null"/>.</para>
/// <para>The majority baseline always predicts the most frequent gold label (the first in label order on a tie). The chance
/// baseline guesses uniformly among the labels with support: its accuracy and UAR are 1/k in expectation, and its macro-F1 is
/// that of the expected confusion matrix (precision of a label = its share of the items, recall 1/k), which differs from
/// the expectation of the macro-F1 by terms that vanish as the number of items grows.</para>
/// </remarks>
public sealed class ClassificationReport
{
    private ClassificationReport(
        IReadOnlyList<string> labels,
        int count,
        int correct,
        IReadOnlyList<ClassScores> classes,
        ConfusionMatrix confusion,
        string? majorityLabel,
        BaselineScores majority,
        BaselineScores chance)
    {
        Labels = labels;
        Count = count;
        Correct = correct;
        Classes = classes;
        Confusion = confusion;
        MajorityLabel = majorityLabel;
        MajorityBaseline = majority;
        ChanceBaseline = chance;
        ClassScores[] supported = [.. classes.Where(c => c.Support > 0)];
        SupportedClassCount = supported.Length;
        Accuracy = count == 0 ? 0 : (double)correct / count;
        UnweightedAverageRecall = supported.Length == 0 ? 0 : supported.Average(c => c.Recall);
        MacroF1 = supported.Length == 0 ? 0 : supported.Average(c => c.F1);
    }

    /// <summary>Gets the labels scored (the gold label set), in their given order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets how many (gold, predicted) pairs were scored.</summary>
    public int Count { get; }

    /// <summary>Gets how many predictions equal their gold label.</summary>
    public int Correct { get; }

    /// <summary>Gets how many labels at least one item has (k, the number of classes UAR and macro-F1 average over).</summary>
    public int SupportedClassCount { get; }

    /// <summary>Gets the fraction of items predicted correctly.</summary>
    public double Accuracy { get; }

    /// <summary>Gets the unweighted average recall: the mean recall over the labels with support.</summary>
    public double UnweightedAverageRecall { get; }

    /// <summary>Gets the mean F1 over the labels with support.</summary>
    public double MacroF1 { get; }

    /// <summary>Gets the scores of each label of <see cref="Labels"/>, in the same order.</summary>
    public IReadOnlyList<ClassScores> Classes { get; }

    /// <summary>Gets the confusion matrix (rows gold, columns predicted).</summary>
    public ConfusionMatrix Confusion { get; }

    /// <summary>Gets the most frequent gold label, which <see cref="MajorityBaseline"/> always predicts; <see langword="null"/>
    /// when there are no items.</summary>
    public string? MajorityLabel { get; }

    /// <summary>Gets the scores of always predicting <see cref="MajorityLabel"/>: accuracy = its share of the items,
    /// UAR = 1/k, macro-F1 = its F1 / k.</summary>
    public BaselineScores MajorityBaseline { get; }

    /// <summary>Gets the expected scores of guessing uniformly among the k labels with support: accuracy 1/k, UAR 1/k, and the
    /// macro-F1 of the expected confusion matrix.</summary>
    public BaselineScores ChanceBaseline { get; }

    /// <summary>Scores predicted labels against gold labels.</summary>
    /// <param name="labels">The label set: every gold label must be one of these; at least one, no duplicates
    /// (case-insensitive).</param>
    /// <param name="gold">The gold label of each item.</param>
    /// <param name="predicted">The predicted label of each item, in the same order as <paramref name="gold"/>; any label.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The label set is empty or repeats a label, a gold label is not in it, a label is
    /// empty, or the two lists differ in length.</exception>
    public static ClassificationReport Compute(IReadOnlyList<string> labels, IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        string[] labelSet = CheckLabelSet(labels);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"Predicted labels: expected one per gold label ({gold.Count}), found {predicted.Count}.", nameof(predicted));
        }

        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < labelSet.Length; i++)
        {
            index.Add(labelSet[i], i);
        }

        // Extra columns: every predicted label outside the set, sorted so the layout does not depend on the items' order.
        var extras = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < predicted.Count; i++)
        {
            string label = predicted[i];
            if (string.IsNullOrEmpty(label))
            {
                throw new ArgumentException($"Predicted label of item {i}: expected a label, found an empty string.", nameof(predicted));
            }

            if (!index.ContainsKey(label))
            {
                extras.Add(label);
            }
        }

        string[] columns = [.. labelSet, .. extras];
        var columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < columns.Length; i++)
        {
            columnIndex.Add(columns[i], i);
        }

        int[] counts = new int[labelSet.Length * columns.Length];
        int correct = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            if (gold[i] is null || !index.TryGetValue(gold[i], out int row))
            {
                throw new ArgumentException($"Gold label of item {i}: expected one of [{string.Join(", ", labelSet)}], found '{gold[i]}'.", nameof(gold));
            }

            int column = columnIndex[predicted[i]];
            counts[(row * columns.Length) + column]++;
            correct += row == column ? 1 : 0;
        }

        var confusion = new ConfusionMatrix(labelSet, columns, counts);
        var classes = new ClassScores[labelSet.Length];
        for (int c = 0; c < labelSet.Length; c++)
        {
            int support = confusion.RowTotal(c);
            int predictedAs = 0;
            for (int r = 0; r < labelSet.Length; r++)
            {
                predictedAs += confusion[r, c];
            }

            int truePositives = confusion[c, c];
            double precision = predictedAs == 0 ? 0 : (double)truePositives / predictedAs;
            double recall = support == 0 ? 0 : (double)truePositives / support;
            classes[c] = new ClassScores(labelSet[c], precision, recall, F1(precision, recall), support, predictedAs);
        }

        int n = gold.Count;
        int k = classes.Count(c => c.Support > 0);
        if (k == 0)
        {
            var none = new BaselineScores(0, 0, 0);
            return new ClassificationReport(labelSet, n, correct, classes, confusion, null, none, none);
        }

        // The first label with the largest support: a tie goes to label order, not to the items' order.
        ClassScores majorityClass = classes.Aggregate((best, c) => c.Support > best.Support ? c : best);
        double majorityShare = (double)majorityClass.Support / n;
        var majority = new BaselineScores(majorityShare, 1.0 / k, F1(majorityShare, 1) / k);

        double guess = 1.0 / k;
        double chanceF1 = classes.Where(c => c.Support > 0).Average(c => F1((double)c.Support / n, guess));
        var chance = new BaselineScores(guess, guess, chanceF1);
        return new ClassificationReport(labelSet, n, correct, classes, confusion, majorityClass.Label, majority, chance);
    }

    private static double F1(double precision, double recall) =>
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    private static string[] CheckLabelSet(IReadOnlyList<string> labels)
    {
        string[] set = [.. labels];
        if (set.Length == 0)
        {
            throw new ArgumentException("Labels: expected at least one, found none.", nameof(labels));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string label in set)
        {
            if (string.IsNullOrEmpty(label))
            {
                throw new ArgumentException("Labels: expected non-empty names, found an empty one.", nameof(labels));
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException($"Labels: expected unique names, found '{label}' twice.", nameof(labels));
            }
        }

        return set;
    }
}
