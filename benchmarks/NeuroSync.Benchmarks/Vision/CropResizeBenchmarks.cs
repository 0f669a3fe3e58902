using BenchmarkDotNet.Attributes;
using NeuroSync.Vision;
using OpenCvSharp;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The crop resize alone: a 119x119 BGR face (the astronaut's box) to 224x224 with bilinear interpolation, NeuroSync's
/// OpenCV-exact managed kernel next to OpenCV's own <c>cv::resize(INTER_LINEAR)</c> (SIMD, one thread).
/// </summary>
[MemoryDiagnoser]
public class CropResizeBenchmarks : IDisposable
{
    private const int Source = 119;
    private const int Target = 224;

    private byte[] _crop = null!;
    private byte[] _resized = null!;
    private Mat _cropMat = null!;
    private Mat _resizedMat = null!;

    /// <summary>Cuts the face box out of the test frame for both libraries.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using Mat frame = Cv2.ImRead(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"), ImreadModes.Color);
        _cropMat = new Mat(frame, new Rect(221, 83, Source, Source)).Clone();
        _crop = new byte[Source * Source * 3];
        _cropMat.GetArray(out Vec3b[] pixels);
        for (int i = 0; i < pixels.Length; i++)
        {
            _crop[3 * i] = pixels[i].Item0;
            _crop[(3 * i) + 1] = pixels[i].Item1;
            _crop[(3 * i) + 2] = pixels[i].Item2;
        }

        _resized = new byte[Target * Target * 3];
        _resizedMat = new Mat();
    }

    /// <summary>Reference point: OpenCV's <c>resize</c> with <c>INTER_LINEAR</c>, limited to one thread.</summary>
    /// <returns>The output width, so the work is not optimised away.</returns>
    [Benchmark(Baseline = true, Description = "OpenCV resize 119->224 INTER_LINEAR, 1 thread (reference)")]
    public int OpenCv()
    {
        Cv2.SetNumThreads(1);
        Cv2.Resize(_cropMat, _resizedMat, new OpenCvSharp.Size(Target, Target), 0, 0, InterpolationFlags.Linear);
        return _resizedMat.Width;
    }

    /// <summary>NeuroSync's <c>BilinearResizer.Resize</c> (11-bit fixed point, bit-exact with OpenCV).</summary>
    /// <returns>One output byte, so the work is not optimised away.</returns>
    [Benchmark(Description = "NeuroSync BilinearResizer 119->224")]
    public byte NeuroSync()
    {
        BilinearResizer.Resize(_crop, Source, Source, Source * 3, 3, _resized, Target, Target);
        return _resized[^1];
    }

    /// <summary>Releases the native images.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _cropMat?.Dispose();
        _resizedMat?.Dispose();
        GC.SuppressFinalize(this);
    }
}
