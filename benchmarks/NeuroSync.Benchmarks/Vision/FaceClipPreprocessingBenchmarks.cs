using BenchmarkDotNet.Attributes;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The video front-end on the 15 sampled frames of the end-to-end benchmark: 15 frames of 640x480, each the astronaut photo
/// (one face), every frame used (stride 1), into a <c>[15, 3, 224, 224]</c> tensor. The baseline is the whole front-end with
/// Haar detection; the second row gives the detector the face box at once, so it times the lighting probe, crop, resize and
/// normalisation alone. These are the counterparts of the "video front-end" and "crop + normalise" stages that
/// <c>tools/bench/pytorch_reference.py</c> times on the same frames.
/// </summary>
[MemoryDiagnoser]
public class FaceClipPreprocessingBenchmarks : IDisposable
{
    private const int FrameCount = 15;
    private const string ImagePath = "tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png";

    private Image<Rgb24> _photo = null!;
    private VideoFrame[] _frames = null!;
    private float[] _tensor = null!;
    private VideoPreprocessor _withHaar = null!;
    private VideoPreprocessor _fixedFace = null!;

    /// <summary>Loads the frame, finds its face once (the fixed box is the detector's own answer) and sizes the tensor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _photo = new FrameLoader().Load(RepositoryFiles.Path(ImagePath));
        _frames = [.. Enumerable.Range(0, FrameCount).Select(i => new VideoFrame(_photo, TimeSpan.FromSeconds(i / 3.0)))];
        var options = new VideoPreprocessingOptions { FrameStride = 1 };
        var haar = new HaarFaceDetector();
        IReadOnlyList<FaceBox> faces = haar.DetectFaces(_photo, CancellationToken.None);
        if (faces.Count == 0)
        {
            throw new InvalidOperationException($"{ImagePath}: expected a face, found none.");
        }

        FaceBox largest = faces.MaxBy(f => f.Area);
        _withHaar = new VideoPreprocessor(haar, options);
        _fixedFace = new VideoPreprocessor(new FixedFaceDetector(largest), options);
        _tensor = new float[_withHaar.TensorLength(FrameCount)];
    }

    /// <summary>The whole video front-end on 15 frames with a face: Haar detection, crop, resize, normalise.</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Baseline = true, Description = "15 frames 640x480 with a face: Haar + crop + normalise")]
    public int WithHaar() => _withHaar.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>The same with the face box given: lighting probe, crop, resize and normalise only.</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Description = "15 frames 640x480, face box given: crop + normalise only")]
    public int CropAndNormalize() => _fixedFace.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>Releases the photo.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _photo?.Dispose();
        GC.SuppressFinalize(this);
    }
}
