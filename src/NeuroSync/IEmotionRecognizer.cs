namespace NeuroSync;

/// <summary>Recognises the emotion a person shows in a clip of voice and face.</summary>
/// <remarks>
/// Implementations are thread-safe: one instance serves concurrent calls. They never dispose or change the caller's
/// audio buffers or images. Unusable modalities are not errors; they are reported in <see cref="EmotionPrediction.Mask"/>.
/// </remarks>
public interface IEmotionRecognizer : IDisposable
{
    /// <summary>Recognises the emotion in one clip.</summary>
    /// <param name="input">The audio and/or frames of the clip.</param>
    /// <param name="options">Settings for this call (mode, contributions); the recognizer's own when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the recognition, including running model inferences.</param>
    /// <returns>The prediction, with per-class scores, the modality mask and per-stage timings.</returns>
    /// <exception cref="NeuroSyncException">The input is invalid (for example non-finite samples) or a model failed.</exception>
    Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Asks for an object the recognizer holds or wraps, such as model set metadata or an inner recognizer.</summary>
    /// <param name="serviceType">The type of object wanted.</param>
    /// <param name="serviceKey">An optional key to tell apart several objects of the same type.</param>
    /// <returns>The object, or <see langword="null"/> when the recognizer has none.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}
