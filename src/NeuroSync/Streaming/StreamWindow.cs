using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.Streaming;

/// <summary>A closed window of a stream, ready to be judged: a copy of its audio and the per-frame results it samples.</summary>
/// <param name="Start">The window's start in stream time.</param>
/// <param name="End">The window's end (exclusive).</param>
/// <param name="Audio">The window's audio, or <see langword="null"/> when it has none.</param>
/// <param name="SampledFrames">The analyses of the frames the window samples, with their indices in the window.</param>
/// <param name="Features">The encoder rows of the sampled frames the mode uses, in order.</param>
/// <param name="Faces">The frames analysed since the previous window closed.</param>
/// <param name="Utterances">The voice-activity events since the previous window closed.</param>
/// <param name="RejectedFrames">The frames dropped by the loop since the previous window closed.</param>
internal sealed record StreamWindow(
    TimeSpan Start,
    TimeSpan End,
    AudioClip? Audio,
    IReadOnlyList<FrameAnalysis> SampledFrames,
    IReadOnlyList<float[]> Features,
    IReadOnlyList<StreamFace> Faces,
    IReadOnlyList<UtteranceEvent> Utterances,
    int RejectedFrames);
