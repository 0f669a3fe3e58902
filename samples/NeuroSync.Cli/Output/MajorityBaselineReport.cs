namespace NeuroSync.Cli.Output;

/// <summary>The scores of always predicting the most frequent gold label.</summary>
/// <param name="Label">The most frequent gold label, or <see langword="null"/> when nothing was scored.</param>
/// <param name="Accuracy">Its share of the items.</param>
/// <param name="Uar">1 / k, k being the number of labels with support.</param>
/// <param name="MacroF1">Its F1 / k.</param>
internal sealed record MajorityBaselineReport(string? Label, double Accuracy, double Uar, double MacroF1);
