namespace NeuroSync.Cli.Output;

/// <summary>The frames a stream analysed during one hop.</summary>
/// <param name="Frames">How many frames were analysed (those some window samples).</param>
/// <param name="WithFace">How many of them showed a face.</param>
/// <param name="Tracks">The face tracks seen, in order of first appearance (an id stays while the face's box overlaps the
/// previous frame's).</param>
internal sealed record TimelineFacesReport(int Frames, int WithFace, IReadOnlyList<int> Tracks);
