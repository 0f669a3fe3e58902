namespace NeuroSync;

/// <summary>Combines audio and visual features into one score per emotion label.</summary>
/// <remarks>Implementations are thread-safe. The default is the original system's cross-attention head; late fusion of
/// per-modality classifiers is the alternative for model sets that have them.</remarks>
public interface IFusionEngine : IDisposable
{
    /// <summary>Gets the labels the scores refer to, in order.</summary>
    EmotionLabelSet Labels { get; }

    /// <summary>Fuses the features of one clip.</summary>
    /// <param name="audio">The audio features, <c>[T, D_audio]</c>.</param>
    /// <param name="video">The visual features, <c>[F, D_video]</c>.</param>
    /// <param name="mask">Which modalities were usable; engines that weigh modalities use it, the attention head ignores it.</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    /// <returns>Unnormalised log-scores (logits), one per label; the recognizer applies the softmax.</returns>
    ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default);

    /// <summary>Tells whether the modalities the mask calls available carry anything this engine scores emotions from. In
    /// <see cref="RecognitionMode.Robust"/> a clip for which it is false is labelled <see cref="EmotionPrediction.UnknownLabel"/>
    /// without fusing. By default: at least one modality is available.</summary>
    /// <param name="mask">The clip's modality mask.</param>
    /// <returns><see langword="true"/> when a prediction would rest on evidence.</returns>
    bool CanScore(ModalityMask mask) => mask.IsAudioAvailable || mask.IsVideoAvailable;
}
