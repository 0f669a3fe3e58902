using NeuroSync.Vision;

namespace NeuroSync.Streaming;

/// <summary>Keeps a face's id from frame to frame while its box overlaps the previous one (intersection over union of at
/// least <see cref="MinOverlap"/>); the largest face of each frame is the one tracked. Not thread-safe: one stream's loop owns it.</summary>
internal sealed class FaceTracker
{
    public const double MinOverlap = 0.3;

    private FaceBox? _previous;
    private int _id = -1;
    private int _nextId;

    /// <summary>Gets the track of a frame's face.</summary>
    /// <param name="face">The frame's face, or <see langword="null"/> when it has none (which ends the track).</param>
    /// <returns>The track id, or -1 without a face.</returns>
    public int Track(FaceBox? face)
    {
        if (face is not { } box)
        {
            _previous = null;
            return _id = -1;
        }

        if (_previous is not { } previous || previous.IntersectionOverUnion(box) < MinOverlap)
        {
            _id = _nextId++;
        }

        _previous = box;
        return _id;
    }
}
