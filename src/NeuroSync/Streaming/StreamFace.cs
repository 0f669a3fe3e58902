using NeuroSync.Vision;

namespace NeuroSync.Streaming;

/// <summary>What a stream saw in one analysed frame.</summary>
/// <param name="Timestamp">The frame's time in the stream.</param>
/// <param name="Status">Whether the frame was usable, as for a clip's frame in the stream's mode.</param>
/// <param name="Face">The largest face, in frame pixels (its <see cref="FaceBox.Score"/> is the detector's), or
/// <see langword="null"/> when none was found.</param>
/// <param name="TrackId">An id kept across frames while the face stays (boxes overlapping from frame to frame); -1 without a face.</param>
/// <param name="Scores">The per-frame score of each label when the model set's visual model is a per-frame classifier (the
/// lite set) and the frame was encoded; otherwise <see langword="null"/>.</param>
/// <param name="FrameWidth">The frame's width in pixels, the space of <paramref name="Face"/>.</param>
/// <param name="FrameHeight">The frame's height in pixels.</param>
public sealed record StreamFace(TimeSpan Timestamp, VideoStatus Status, FaceBox? Face, int TrackId, IReadOnlyList<float>? Scores, int FrameWidth, int FrameHeight);
