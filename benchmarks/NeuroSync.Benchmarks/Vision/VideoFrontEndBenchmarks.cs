using BenchmarkDotNet.Attributes;
using NeuroSync.Vision;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// <see cref="VideoPreprocessor"/> on 15 frames of 640x480, every frame used (stride 1), into a <c>[15, 3, 224, 224]</c>
/// tensor: the whole front-end with Haar detection (baseline), and the same with the face box given at once, which times the
/// lighting probe, crop, resize and normalisation alone. Subclasses choose the frames and the box.
/// </summary>
[MemoryDiagnoser]
public abstract class VideoFrontEndBenchmarks : IDisposable
{
    /// <summary>The number of frames of the clip.</summary>
    protected const int FrameCount = 15;

    private VideoFrame[] _frames = null!;
    private float[] _tensor = null!;
    private VideoPreprocessor _withHaar = null!;
    private VideoPreprocessor _fixedFace = null!;

    /// <summary>Loads the frames, picks the fixed box and sizes the tensor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_frames, FaceBox box) = LoadFrames();
        var options = new VideoPreprocessingOptions { FrameStride = 1 };
        _withHaar = new VideoPreprocessor(new HaarFaceDetector(), options);
        _fixedFace = new VideoPreprocessor(new FixedFaceDetector(box), options);
        _tensor = new float[_withHaar.TensorLength(FrameCount)];
    }

    /// <summary>The whole video front-end: lighting probe, Haar detection, crop, resize, normalise.</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Baseline = true, Description = "15 frames 640x480: Haar + crop + normalise")]
    public int WithHaar() => _withHaar.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>The same with the face box given: lighting probe, crop, resize and normalise only.</summary>
    /// <returns>The number of tensor frames.</returns>
    [Benchmark(Description = "15 frames 640x480, face box given: crop + normalise only")]
    public int CropAndNormalize() => _fixedFace.Preprocess(_frames, _tensor, CancellationToken.None).TensorFrameCount;

    /// <summary>Releases the images.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The clip's frames, and the box the fixed detector returns for every frame.</summary>
    /// <returns>The frames and the box.</returns>
    protected abstract (VideoFrame[] Frames, FaceBox FixedBox) LoadFrames();

    /// <summary>Releases the images the frames show.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
