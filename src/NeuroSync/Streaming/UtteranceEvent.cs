namespace NeuroSync.Streaming;

/// <summary>Speech starting or stopping in a stream, as the voice-activity detector heard it.</summary>
/// <param name="Kind">Whether speech started or ended.</param>
/// <param name="Time">The stream time of the hop in which it happened (the detector judges one hop of audio at a time).</param>
public sealed record UtteranceEvent(UtteranceEventKind Kind, TimeSpan Time);
