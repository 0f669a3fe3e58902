using NeuroSync.Evaluation;

namespace NeuroSync.Cli.Output;

/// <summary>The three summary scores of a set of predictions, or of a baseline.</summary>
/// <param name="Accuracy">The fraction of items predicted correctly.</param>
/// <param name="Uar">The unweighted average recall (mean recall over the labels with support).</param>
/// <param name="MacroF1">The mean F1 over the labels with support.</param>
internal sealed record ScoresReport(double Accuracy, double Uar, double MacroF1)
{
    /// <summary>Takes the summary scores of a report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Its accuracy, UAR and macro-F1.</returns>
    public static ScoresReport From(ClassificationReport report) => new(report.Accuracy, report.UnweightedAverageRecall, report.MacroF1);

    /// <summary>Takes the scores of a baseline.</summary>
    /// <param name="baseline">The baseline.</param>
    /// <returns>Its accuracy, UAR and macro-F1.</returns>
    public static ScoresReport From(BaselineScores baseline) => new(baseline.Accuracy, baseline.UnweightedAverageRecall, baseline.MacroF1);
}
