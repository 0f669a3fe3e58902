using BenchmarkDotNet.Attributes;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>
/// The lite set's face path per frame: BlazeFace on a 640x480 frame with and without a face, the robust front-end (detection, lighting, crop), and the
/// two-classifier ensemble with flip averaging on one 112x112 crop (four network runs).
/// </summary>
[MemoryDiagnoser]
public class LiteFacePathBenchmarks : IDisposable
{
    private Image<Rgb24> _frame = null!;
    private Image<Rgb24> _noFace = null!;
    private BlazeFaceDetector _detector = null!;
    private VideoPreprocessor _preprocessor = null!;
    private OnnxVisualClassifier _classifier = null!;
    private float[] _tensor = null!;
    private ReadOnlyMemory<bool> _croppedAroundFace;
    private float[] _detectorInput = null!;

    /// <summary>Loads the committed lite set and the astronaut frame.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ModelSet set = ModelSetLoader.Load(Path.Combine(RepositoryFiles.Root, "models", "lite"));
        _frame = Image.Load<Rgb24>(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"));
        _noFace = Image.Load<Rgb24>(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/covered_camera_640x480.png"));
        _detector = new BlazeFaceDetector(set.FaceDetectorPath!, set.CreateBlazeFaceDetectorOptions());
        _preprocessor = new VideoPreprocessor(_detector, set.CreateVideoPreprocessingOptions());
        _classifier = new OnnxVisualClassifier(set);
        _tensor = new float[_preprocessor.TensorLength(1)];
        _detectorInput = new float[_detector.InputSize * _detector.InputSize * 3];
        _croppedAroundFace = _preprocessor.Preprocess([new VideoFrame(_frame)], _tensor, RecognitionMode.Robust).CroppedAroundFace;
    }

    /// <summary>BlazeFace alone.</summary>
    /// <returns>The number of faces.</returns>
    [Benchmark(Description = "BlazeFace, 640x480 frame")]
    public int Detect() => _detector.DetectFaces(_frame).Count;

    /// <summary>BlazeFace's input alone: the 640x480 frame letterboxed on its 640-pixel square, resized to 256x256 and scaled.</summary>
    /// <returns>One input value.</returns>
    [Benchmark(Description = "BlazeFace input, 640x480 frame to 256x256")]
    public float DetectorInput()
    {
        BlazeFaceInput.Write(_frame, 640, 0, 80, _detector.InputSize, _detectorInput);
        return _detectorInput[0];
    }

    /// <summary>BlazeFace on a frame without a face: the whole frame, the close-up search and the two tiles.</summary>
    /// <returns>The number of faces (0).</returns>
    [Benchmark(Description = "BlazeFace, 640x480 frame without a face")]
    public int DetectNone() => _detector.DetectFaces(_noFace).Count;

    /// <summary>Detection, lighting and the robust crop of one frame.</summary>
    /// <returns>The number of frames written.</returns>
    [Benchmark(Description = "Robust front-end, 640x480 frame")]
    public int Preprocess() => _preprocessor.Preprocess([new VideoFrame(_frame)], _tensor, RecognitionMode.Robust).TensorFrameCount;

    /// <summary>The ensemble on one crop around a face (mini-Xception on its region of it).</summary>
    /// <returns>One probability.</returns>
    [Benchmark(Description = "Ensemble + flip, one 112x112 crop")]
    public async Task<float> Classify()
    {
        using FeatureMatrix probabilities = await _classifier.EncodeAsync(_tensor, 1, _croppedAroundFace);
        return probabilities.GetRow(0)[0];
    }

    /// <summary>Releases the sessions and the frame.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _classifier?.Dispose();
        _detector?.Dispose();
        _frame?.Dispose();
        _noFace?.Dispose();
        GC.SuppressFinalize(this);
    }
}
