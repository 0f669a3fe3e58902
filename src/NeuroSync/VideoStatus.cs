namespace NeuroSync;

/// <summary>Whether the video of a clip could be used, and if not, why.</summary>
public enum VideoStatus
{
    /// <summary>At least one sampled frame is well lit and shows a face.</summary>
    Available,

    /// <summary>The input had no frames, or fewer than the sampling stride needs for one sample.</summary>
    NoFrames,

    /// <summary>Frames are usable but no face was found in any of them; whole frames are used, as in the original system.</summary>
    NoFace,

    /// <summary>The sampled frames are too dark to show a face.</summary>
    TooDark,

    /// <summary>The sampled frames are near-uniform: the camera is most likely covered.</summary>
    Covered,
}
