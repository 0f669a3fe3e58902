using NeuroSync.Evaluation;

namespace NeuroSync.Cli.Scoring;

/// <summary>What became of one row of a labelled data set: a prediction, or why there is none.</summary>
/// <param name="Item">The row.</param>
/// <param name="Prediction">The prediction, or <see langword="null"/> when the input could not be read.</param>
/// <param name="Error">Why the input could not be read (a missing or corrupt file), or <see langword="null"/>.</param>
internal sealed record ItemResult(LabelledItem Item, EmotionPrediction? Prediction, string? Error);
