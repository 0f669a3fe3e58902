namespace NeuroSync.Vision;

/// <summary>What the video front-end saw in one sampled frame.</summary>
/// <param name="FrameIndex">The 0-based index of the frame in the input.</param>
/// <param name="Status"><see cref="VideoStatus.Available"/> when a face was found in a usable frame, otherwise why not.</param>
/// <param name="Face">The largest face, in frame pixels, or <see langword="null"/> when none was found and the whole frame was used.</param>
/// <param name="MeanLuma">The mean luma of the frame, 0 to 255.</param>
/// <param name="LumaStdDev">The standard deviation of the luma, 0 to 255.</param>
public sealed record FrameAnalysis(int FrameIndex, VideoStatus Status, FaceBox? Face, float MeanLuma, float LumaStdDev)
{
    /// <summary>Gets a value indicating whether the crop written is the region around the face that the face-crop settings
    /// describe (robust mode): the crop a visual classifier's own region applies to. A close-up's whole frame, and every crop
    /// in original mode, are seen whole.</summary>
    internal bool CroppedAroundFace { get; init; }
}
