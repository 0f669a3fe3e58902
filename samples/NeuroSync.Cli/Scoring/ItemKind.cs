namespace NeuroSync.Cli.Scoring;

/// <summary>What one row of a labelled data set names, and so what the recognizer is given.</summary>
internal enum ItemKind
{
    /// <summary>One image, given as a still (repeated frame-stride times, so one frame is sampled); no audio.</summary>
    Faces,

    /// <summary>One WAV file; no frames.</summary>
    Speech,

    /// <summary>A folder: its images in name order as consecutive frames, and its <c>audio.wav</c> when there is one.</summary>
    Clips,
}
