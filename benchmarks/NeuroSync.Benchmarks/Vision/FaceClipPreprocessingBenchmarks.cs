using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The video front-end on the 15 sampled frames of the end-to-end benchmark: each the astronaut photo (one face); the fixed
/// box is Haar's own answer for it. These are the counterparts of the "video front-end" and "crop + normalise" stages that
/// <c>tools/bench/pytorch_reference.py</c> times on the same frames.
/// </summary>
public class FaceClipPreprocessingBenchmarks : VideoFrontEndBenchmarks
{
    private const string ImagePath = "tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png";

    private Image<Rgb24>? _photo;

    /// <inheritdoc/>
    protected override (VideoFrame[] Frames, FaceBox FixedBox) LoadFrames()
    {
        _photo = new FrameLoader().Load(RepositoryFiles.Path(ImagePath));
        IReadOnlyList<FaceBox> faces = new HaarFaceDetector().DetectFaces(_photo, CancellationToken.None);
        if (faces.Count == 0)
        {
            throw new InvalidOperationException($"{ImagePath}: expected a face, found none.");
        }

        VideoFrame[] frames = [.. Enumerable.Range(0, FrameCount).Select(i => new VideoFrame(_photo, TimeSpan.FromSeconds(i / 3.0)))];
        return (frames, faces.MaxBy(f => f.Area));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _photo?.Dispose();
}
