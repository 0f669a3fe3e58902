namespace NeuroSync;

/// <summary>Wall-clock time spent in each stage of one recognition.</summary>
/// <remarks>Encoders may run concurrently, so the stages can add up to more than <see cref="Total"/>.
/// A stage that was skipped (for example the audio encoder on a silent clip, whose output is cached) reports <see cref="TimeSpan.Zero"/>.</remarks>
public sealed record StageTimings
{
    /// <summary>Gets decoding, resampling, gating and normalising the audio.</summary>
    public TimeSpan AudioPreprocessing { get; init; }

    /// <summary>Gets frame sampling, lighting checks, face detection, cropping and normalising.</summary>
    public TimeSpan VideoPreprocessing { get; init; }

    /// <summary>Gets running the audio encoder.</summary>
    public TimeSpan AudioEncoder { get; init; }

    /// <summary>Gets running the visual encoder.</summary>
    public TimeSpan VisualEncoder { get; init; }

    /// <summary>Gets running the fusion head and post-processing.</summary>
    public TimeSpan Fusion { get; init; }

    /// <summary>Gets when the video path started, measured from the start of the recognition: about zero when the two paths
    /// overlap, the audio path's time when they run one after the other (<see cref="ModalityScheduling"/>). The audio path
    /// starts at zero and fusion ends at <see cref="Total"/>, so this places every stage on a timeline.</summary>
    public TimeSpan VideoStart { get; init; }

    /// <summary>Gets the end-to-end time of the recognition.</summary>
    public TimeSpan Total { get; init; }
}
