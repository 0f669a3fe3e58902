using NeuroSync.Evaluation;

namespace NeuroSync.Tests.Evaluation;

public class ClassificationReportTests
{
    // Exact fractions computed by hand; doubles only round them.
    private const double Tolerance = 1e-12;

    private static readonly string[] Labels = ["a", "b", "c"];

    // Ten items, three classes, one prediction outside the label set:
    //   item  1  2  3  4        5  6  7  8  9  10
    //   gold  a  a  a  a        b  b  b  c  c  c
    //   pred  a  a  b  unknown  b  b  a  c  c  b
    // Confusion (rows gold; columns a, b, c, unknown):  a: 2 1 0 1   b: 1 2 0 0   c: 0 1 2 0
    // Correct 6 of 10: accuracy 0.6.
    // Support a 4, b 3, c 3; predicted as a 3, b 4, c 2 (unknown 1, which belongs to no class).
    // Precision a 2/3, b 2/4, c 2/2;  recall a 2/4, b 2/3, c 2/3.
    // F1 a = 2(2/3)(1/2) / (2/3 + 1/2) = 4/7;  b = 2(1/2)(2/3) / (1/2 + 2/3) = 4/7;  c = 2(1)(2/3) / (1 + 2/3) = 4/5.
    // UAR = (1/2 + 2/3 + 2/3) / 3 = 11/18;  macro-F1 = (4/7 + 4/7 + 4/5) / 3 = 68/105.
    // Majority (a, 4 of 10): accuracy 4/10, UAR 1/3, F1 of a = 2(0.4)(1) / 1.4 = 4/7, macro-F1 = 4/7 / 3 = 4/21.
    // Chance (k = 3): accuracy 1/3, UAR 1/3; F1 of class with share p = 2p(1/3) / (p + 1/3):
    //   a (p = 0.4) 4/11, b and c (p = 0.3) 6/19; macro-F1 = (4/11 + 6/19 + 6/19) / 3 = 208/627.
    private static readonly string[] Gold = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "c"];
    private static readonly string[] Predicted = ["a", "a", "b", "unknown", "b", "b", "a", "c", "c", "b"];

    [Fact]
    public void Compute_ThreeClassesTenItems_EqualsTheHandComputedScores()
    {
        ClassificationReport report = ClassificationReport.Compute(Labels, Gold, Predicted);

        Assert.Equal(10, report.Count);
        Assert.Equal(6, report.Correct);
        Assert.Equal(3, report.SupportedClassCount);
        Assert.Equal(0.6, report.Accuracy, Tolerance);
        Assert.Equal(11.0 / 18, report.UnweightedAverageRecall, Tolerance);
        Assert.Equal(68.0 / 105, report.MacroF1, Tolerance);

        Assert.Equal(["a", "b", "c"], report.Classes.Select(c => c.Label));
        Assert.Equal([2.0 / 3, 2.0 / 4, 1.0], report.Classes.Select(c => c.Precision), new ToleranceComparer(Tolerance));
        Assert.Equal([2.0 / 4, 2.0 / 3, 2.0 / 3], report.Classes.Select(c => c.Recall), new ToleranceComparer(Tolerance));
        Assert.Equal([4.0 / 7, 4.0 / 7, 4.0 / 5], report.Classes.Select(c => c.F1), new ToleranceComparer(Tolerance));
        Assert.Equal([4, 3, 3], report.Classes.Select(c => c.Support));
        Assert.Equal([3, 4, 2], report.Classes.Select(c => c.Predicted));
    }

    [Fact]
    public void Compute_ThreeClassesTenItems_PutsTheLabelOutsideTheSetInItsOwnColumn()
    {
        ConfusionMatrix confusion = ClassificationReport.Compute(Labels, Gold, Predicted).Confusion;

        Assert.Equal(["a", "b", "c"], confusion.GoldLabels);
        Assert.Equal(["a", "b", "c", "unknown"], confusion.PredictedLabels);
        Assert.Equal(1, confusion.ExtraLabelCount);
        int[][] expected = [[2, 1, 0, 1], [1, 2, 0, 0], [0, 1, 2, 0]];
        for (int row = 0; row < 3; row++)
        {
            Assert.Equal(expected[row], Enumerable.Range(0, 4).Select(column => confusion[row, column]));
        }

        Assert.Equal([4, 3, 3], Enumerable.Range(0, 3).Select(confusion.RowTotal));
        Assert.Throws<ArgumentOutOfRangeException>(() => confusion[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => confusion[0, 4]);
    }

    [Fact]
    public void Compute_ThreeClassesTenItems_GivesTheMajorityAndChanceBaselines()
    {
        ClassificationReport report = ClassificationReport.Compute(Labels, Gold, Predicted);

        Assert.Equal("a", report.MajorityLabel);
        Assert.Equal(0.4, report.MajorityBaseline.Accuracy, Tolerance);
        Assert.Equal(1.0 / 3, report.MajorityBaseline.UnweightedAverageRecall, Tolerance);
        Assert.Equal(4.0 / 21, report.MajorityBaseline.MacroF1, Tolerance);
        Assert.Equal(1.0 / 3, report.ChanceBaseline.Accuracy, Tolerance);
        Assert.Equal(1.0 / 3, report.ChanceBaseline.UnweightedAverageRecall, Tolerance);
        Assert.Equal(208.0 / 627, report.ChanceBaseline.MacroF1, Tolerance);
    }

    [Fact]
    public void Compute_MajorityBaselineScoredAsPredictions_EqualsTheMajorityBaseline()
    {
        ClassificationReport report = ClassificationReport.Compute(Labels, Gold, Predicted);

        ClassificationReport majority = ClassificationReport.Compute(Labels, Gold, [.. Gold.Select(_ => report.MajorityLabel!)]);

        Assert.Equal(report.MajorityBaseline, new BaselineScores(majority.Accuracy, majority.UnweightedAverageRecall, majority.MacroF1));
    }

    [Fact]
    public void Compute_ItemsInAnotherOrderOrCase_GiveTheSameReport()
    {
        ClassificationReport report = ClassificationReport.Compute(Labels, Gold, Predicted);
        int[] order = [9, 3, 0, 7, 5, 1, 8, 2, 6, 4];

        ClassificationReport shuffled = ClassificationReport.Compute(
            Labels, [.. order.Select(i => Gold[i].ToUpperInvariant())], [.. order.Select(i => i == 3 ? "UNKNOWN" : Predicted[i])]);

        Assert.Equal(report.Classes, shuffled.Classes);
        Assert.Equal(["a", "b", "c", "UNKNOWN"], shuffled.Confusion.PredictedLabels);
        Assert.Equal(report.MacroF1, shuffled.MacroF1);
        Assert.Equal(report.ChanceBaseline, shuffled.ChanceBaseline);
    }

    [Fact]
    public void Compute_LabelWithoutSupport_IsLeftOutOfTheAveragesAndTheBaselines()
    {
        // Labels a, b, d; d has no item but is predicted once. a: P 1, R 1, F1 1. b: never predicted, P 0, R 0, F1 0.
        // k = 2: UAR = (1 + 0) / 2, macro-F1 = (1 + 0) / 2; d (P 0, R 0) counts in neither. Majority: a and b tie, a comes first.
        ClassificationReport report = ClassificationReport.Compute(["a", "b", "d"], ["a", "b"], ["a", "d"]);

        Assert.Equal(2, report.SupportedClassCount);
        Assert.Equal(0.5, report.Accuracy, Tolerance);
        Assert.Equal(0.5, report.UnweightedAverageRecall, Tolerance);
        Assert.Equal(0.5, report.MacroF1, Tolerance);
        Assert.Equal(new ClassScores("b", 0, 0, 0, 1, 0), report.Classes[1]);
        Assert.Equal(new ClassScores("d", 0, 0, 0, 0, 1), report.Classes[2]);
        Assert.Equal(0, report.Confusion.ExtraLabelCount);
        Assert.Equal("a", report.MajorityLabel);
        Assert.Equal(0.5, report.MajorityBaseline.UnweightedAverageRecall, Tolerance);
        Assert.Equal(0.5, report.ChanceBaseline.Accuracy, Tolerance);
    }

    [Fact]
    public void Compute_NoItems_ScoresZeroWithoutAMajorityLabel()
    {
        ClassificationReport report = ClassificationReport.Compute(Labels, [], []);

        Assert.Equal(0, report.Count);
        Assert.Equal(0, report.Accuracy);
        Assert.Equal(0, report.MacroF1);
        Assert.Null(report.MajorityLabel);
        Assert.Equal(new BaselineScores(0, 0, 0), report.ChanceBaseline);
        Assert.Equal(3, report.Confusion.PredictedLabels.Count);
    }

    [Fact]
    public void Compute_GoldLabelOutsideTheSet_ThrowsNamingItAndTheSet()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(Labels, ["a", "calm"], ["a", "a"]));

        Assert.Contains("Gold label of item 1: expected one of [a, b, c], found 'calm'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_ListsOfDifferentLengthsOrBadLabelSets_Throw()
    {
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(Labels, ["a", "b"], ["a"]));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute([], [], []));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(["a", "A"], [], []));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(Labels, ["a"], [string.Empty]));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
