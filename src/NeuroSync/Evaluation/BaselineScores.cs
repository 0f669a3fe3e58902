namespace NeuroSync.Evaluation;

/// <summary>The summary scores of a trivial classifier on the same items, to read a real score against.</summary>
/// <param name="Accuracy">The fraction of items it labels correctly.</param>
/// <param name="UnweightedAverageRecall">Its mean per-class recall over the classes with support.</param>
/// <param name="MacroF1">Its mean per-class F1 over the classes with support.</param>
public sealed record BaselineScores(double Accuracy, double UnweightedAverageRecall, double MacroF1);
