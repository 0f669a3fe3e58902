using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync;

/// <summary>One clip to recognise: its audio, its frames, or both.</summary>
/// <remarks>The caller owns the audio buffer and the frame images; NeuroSync neither changes nor disposes them.</remarks>
public sealed class EmotionInput
{
    /// <summary>Gets or sets the audio, or <see langword="null"/> when the clip has none.</summary>
    public AudioClip? Audio { get; set; }

    /// <summary>Gets or sets every frame of the clip, in order (the pipeline samples them itself),
    /// or <see langword="null"/> when the clip has no video.</summary>
    public IReadOnlyList<VideoFrame>? Frames { get; set; }
}
