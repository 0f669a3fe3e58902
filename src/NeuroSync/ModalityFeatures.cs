using NeuroSync.Vision;

namespace NeuroSync;

/// <summary>One modality's encoder features with its status and timings; disposes the features unless they are a cached
/// zero-input output.</summary>
/// <typeparam name="TStatus"><see cref="AudioStatus"/> or <see cref="VideoStatus"/>.</typeparam>
internal sealed class ModalityFeatures<TStatus>(TStatus status, FeatureMatrix features, bool owned, TimeSpan preprocessingTime, TimeSpan encoderTime) : IDisposable
    where TStatus : struct, Enum
{
    public TStatus Status => status;

    public FeatureMatrix Features => features;

    public TimeSpan PreprocessingTime => preprocessingTime;

    public TimeSpan EncoderTime => encoderTime;

    public float Rms { get; init; }

    public IReadOnlyList<FrameAnalysis> Frames { get; init; } = [];

    public void Dispose()
    {
        if (owned)
        {
            features.Dispose();
        }
    }
}
