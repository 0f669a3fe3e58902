using BenchmarkDotNet.Attributes;
using NeuroSync.Vision;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// Face detection on one 640x480 frame (the astronaut test image) with the original's settings (scale factor 1.1, min
/// neighbours 5, frontal-face cascade): NeuroSync's managed Haar detector next to OpenCV's native one on the same pixels,
/// each on one thread and with its default number of threads (OpenCV's thread pool; NeuroSync's
/// <see cref="HaarDetectorOptions.MaxDegreeOfParallelism"/> 0, one thread per processor). All include the grayscale conversion.
/// </summary>
[MemoryDiagnoser]
public class HaarDetectionBenchmarks : IDisposable
{
    private const string ImagePath = "tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png";
    private const string CascadePath = "src/NeuroSync/Vision/Haar/Cascades/haarcascade_frontalface_default.xml";

    private Image<Rgb24> _image = null!;
    private HaarFaceDetector _detector = null!;
    private HaarFaceDetector _singleThreadDetector = null!;
    private Mat _bgr = null!;
    private Mat _gray = null!;
    private CascadeClassifier _cascade = null!;
    private int _openCvThreads;

    /// <summary>Loads the frame for both libraries and checks that they find the same face.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string image = RepositoryFiles.Path(ImagePath);
        _image = new FrameLoader().Load(image);
        _detector = new HaarFaceDetector();
        _singleThreadDetector = new HaarFaceDetector(options: new HaarDetectorOptions { MaxDegreeOfParallelism = 1 });
        _bgr = Cv2.ImRead(image, ImreadModes.Color);
        _gray = new Mat();
        _cascade = new CascadeClassifier(RepositoryFiles.Path(CascadePath));
        _openCvThreads = Cv2.GetNumThreads();

        int ours = NeuroSync(), oursSingle = NeuroSyncSingleThread();
        int theirs = OpenCvSingleThread();
        if (ours != theirs || oursSingle != theirs)
        {
            throw new InvalidOperationException($"Haar benchmark: expected the same number of faces from every detector, found {ours}, {oursSingle} and {theirs}.");
        }
    }

    /// <summary>Reference point: OpenCV 4 <c>CascadeClassifier.DetectMultiScale</c> limited to one thread, like NeuroSync.</summary>
    /// <returns>The number of faces.</returns>
    [Benchmark(Baseline = true, Description = "OpenCV DetectMultiScale, 1 thread (reference)")]
    public int OpenCvSingleThread()
    {
        Cv2.SetNumThreads(1);
        Cv2.CvtColor(_bgr, _gray, ColorConversionCodes.BGR2GRAY);
        return _cascade.DetectMultiScale(_gray, 1.1, 5).Length;
    }

    /// <summary>OpenCV with its default thread pool (all cores).</summary>
    /// <returns>The number of faces.</returns>
    [Benchmark(Description = "OpenCV DetectMultiScale, default threads")]
    public int OpenCvDefaultThreads()
    {
        Cv2.SetNumThreads(_openCvThreads);
        Cv2.CvtColor(_bgr, _gray, ColorConversionCodes.BGR2GRAY);
        return _cascade.DetectMultiScale(_gray, 1.1, 5).Length;
    }

    /// <summary>NeuroSync's <see cref="HaarFaceDetector"/> with its default settings (one thread per processor).</summary>
    /// <returns>The number of faces.</returns>
    [Benchmark(Description = "NeuroSync HaarFaceDetector, default threads")]
    public int NeuroSync() => _detector.DetectFaces(_image, CancellationToken.None).Count;

    /// <summary>NeuroSync's <see cref="HaarFaceDetector"/> limited to the calling thread (<c>MaxDegreeOfParallelism = 1</c>).</summary>
    /// <returns>The number of faces.</returns>
    [Benchmark(Description = "NeuroSync HaarFaceDetector, 1 thread")]
    public int NeuroSyncSingleThread() => _singleThreadDetector.DetectFaces(_image, CancellationToken.None).Count;

    /// <summary>Releases the images and the native cascade.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _image?.Dispose();
        _bgr?.Dispose();
        _gray?.Dispose();
        _cascade?.Dispose();
        GC.SuppressFinalize(this);
    }
}
