namespace NeuroSync.Vision;

/// <summary>The outcome of preprocessing the frames of a clip.</summary>
/// <param name="Status">The clip's video status for the modality mask.</param>
/// <param name="TensorFrameCount">How many frames were written to the tensor: the sampled frames, or
/// <see cref="VideoPreprocessingOptions.EmptyVideoFrameCount"/> zero frames when none was sampled.</param>
/// <param name="Frames">One analysis per sampled frame, in order.</param>
public sealed record VideoPreprocessingResult(VideoStatus Status, int TensorFrameCount, IReadOnlyList<FrameAnalysis> Frames)
{
    /// <summary>Gets, per frame of the tensor, whether it was cropped around its face (<see cref="FrameAnalysis.CroppedAroundFace"/>);
    /// empty when none was.</summary>
    internal ReadOnlyMemory<bool> CroppedAroundFace { get; init; }
}
