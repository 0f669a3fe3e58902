namespace NeuroSync.Evaluation;

/// <summary>The scores of one gold label.</summary>
/// <param name="Label">The label.</param>
/// <param name="Precision">Of the items predicted as this label, the fraction that have it (0 when none was predicted as it).</param>
/// <param name="Recall">Of the items that have this label, the fraction predicted as it (0 when none has it).</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">How many items have this label.</param>
/// <param name="Predicted">How many items were predicted as this label.</param>
public sealed record ClassScores(string Label, double Precision, double Recall, double F1, int Support, int Predicted);
