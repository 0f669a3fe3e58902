using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The video front-end on frames that cycle through five committed test images (faces, no face, too dark, covered), so
/// every branch runs; the fixed box is a 119x119 box on the astronaut's face.
/// </summary>
public class VideoPreprocessingBenchmarks : VideoFrontEndBenchmarks
{
    private static readonly string[] Images =
    [
        "astronaut_640x480.png",
        "astronaut_small_face_640x480.png",
        "no_face_cat_640x480.png",
        "very_dark_640x480.png",
        "covered_camera_640x480.png",
    ];

    private readonly List<Image<Rgb24>> _images = [];

    /// <inheritdoc/>
    protected override (VideoFrame[] Frames, FaceBox FixedBox) LoadFrames()
    {
        var loader = new FrameLoader();
        foreach (string name in Images)
        {
            _images.Add(loader.Load(RepositoryFiles.Path($"tests/NeuroSync.Tests/TestData/Images/{name}")));
        }

        VideoFrame[] frames = [.. Enumerable.Range(0, FrameCount).Select(i => new VideoFrame(_images[i % _images.Count], TimeSpan.FromSeconds(i / 30.0)))];
        return (frames, new FaceBox(221, 83, 119, 119));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        foreach (Image<Rgb24> image in _images)
        {
            image.Dispose();
        }

        _images.Clear();
    }
}
