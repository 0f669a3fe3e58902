using BenchmarkDotNet.Attributes;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The video front-end on 15 frames of 640x480 with stride 1 (every frame used): lighting probe, face detection, crop,
/// OpenCV-exact resize to 224x224 and mean/std normalisation into a <c>[15, 3, 224, 224]</c> tensor. The frames cycle
/// through five committed test images (faces, no face, too dark, covered) so every branch runs.
/// </summary>
[MemoryDiagnoser]
public class VideoPreprocessingBenchmarks : IDisposable
{
    private const int FrameCount = 15;

    private static readonly string[] Images =
    [
        "astronaut_640x480.png",
        "astronaut_small_face_640x480.png",
        "no_face_cat_640x480.png",
        "very_dark_640x480.png",
        "covered_camera_640x480.png",
    ];

    private readonly List<Image<Rgb24>> _images = [];
    private VideoFrame[] _frames = null!;
    private float[] _tensor = null!;
    private VideoPreprocessor _withHaar = null!;
    private VideoPreprocessor _fixedFace = null!;

    /// <summary>Loads the frames and sizes the tensor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var loader = new FrameLoader();
        foreach (string name in Images)
        {
            _images.Add(loader.Load(RepositoryFiles.Path($"tests/NeuroSync.Tests/TestData/Images/{name}")));
        }

        _frames = [.. Enumerable.Range(0, FrameCount).Select(i => new VideoFrame(_images[i % _images.Count], TimeSpan.FromSeconds(i / 30.0)))];
        var options = new VideoPreprocessingOptions { FrameStride = 1 };
        _withHaar = new VideoPreprocessor(new HaarFaceDetector(), options);
        _fixedFace = new VideoPreprocessor(new FixedFaceDetector(new FaceBox(221, 83, 119, 119)), options);
        _tensor = new float[_withHaar.TensorLength(FrameCount)];
    }

    /// <summary>The whole video front-end, Haar detection included (detection dominates).</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Baseline = true, Description = "Preprocess 15 frames (Haar + crop + normalise)")]
    public int WithHaar() => _withHaar.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>The same with a detector that returns a fixed 119x119 box at once: lighting probe, crop, resize and normalise only.</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Description = "Preprocess 15 frames (fixed box: crop + normalise only)")]
    public int CropAndNormalize() => _fixedFace.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>Releases the frames.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        foreach (Image<Rgb24> image in _images)
        {
            image.Dispose();
        }

        _images.Clear();
        GC.SuppressFinalize(this);
    }
}
