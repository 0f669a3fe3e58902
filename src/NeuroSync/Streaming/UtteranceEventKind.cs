namespace NeuroSync.Streaming;

/// <summary>The kind of an <see cref="UtteranceEvent"/>.</summary>
public enum UtteranceEventKind
{
    /// <summary>Speech started.</summary>
    Started,

    /// <summary>Speech ended.</summary>
    Ended,
}
