namespace NeuroSync;

/// <summary>How much each modality moved a prediction.</summary>
/// <param name="Audio">The total variation distance (half the L1 distance, 0 to 1) between the reported probabilities and those obtained
/// when the audio features are replaced by the audio encoder's output for silence.</param>
/// <param name="Video">The same measure for the video features, replaced by the visual encoder's output for blank frames.</param>
public sealed record ModalityContributions(float Audio, float Video);
