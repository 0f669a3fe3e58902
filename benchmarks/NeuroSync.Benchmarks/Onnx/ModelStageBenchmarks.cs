using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.Fusion;
using NeuroSync.Models;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Onnx;

/// <summary>
/// Each ONNX stage alone, on the model set of <see cref="BenchmarkModels"/> (<c>models/tiny</c> by default), with inputs
/// preprocessed once in the setup: the audio encoder on 7 s of speech, the visual encoder on a batch of 15 face crops,
/// and the fusion head on those two feature matrices.
/// </summary>
/// <remarks>No baseline row: the three stages do different work. Compare them with the end-to-end rows
/// (<c>EndToEnd/RecognizeBenchmarks</c>) to see what the front-ends and the pipeline add.</remarks>
[MemoryDiagnoser]
public class ModelStageBenchmarks : IDisposable
{
    private const int SampledFrames = 15;

    private OnnxAudioEncoder _audioEncoder = null!;
    private OnnxVisualEncoder _visualEncoder = null!;
    private OnnxFusionEngine _fusion = null!;
    private float[] _waveform = null!;
    private float[] _crops = null!;
    private FeatureMatrix _audioFeatures = null!;
    private FeatureMatrix _videoFeatures = null!;
    private readonly ModalityMask _mask = new(AudioStatus.Available, VideoStatus.Available);

    /// <summary>Opens the three models and preprocesses the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string folder = BenchmarkModels.Folder;
        Console.WriteLine($"// NeuroSync model set: {folder}");
        ModelSet models = ModelSetLoader.Load(folder);
        _audioEncoder = new OnnxAudioEncoder(models, BenchmarkModels.OnnxOptions);
        _visualEncoder = new OnnxVisualEncoder(models, BenchmarkModels.OnnxOptions);
        _fusion = new OnnxFusionEngine(models, BenchmarkModels.OnnxOptions);

        var audio = new AudioPreprocessor(models.CreateAudioPreprocessingOptions());
        _waveform = new float[audio.MaxSamples];
        audio.Preprocess(AudioClip.ReadWav(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav")), _waveform);

        // One frame per crop (stride 1), so the 15 crops are exactly the batch the encoder gets for 150 frames at stride 10.
        VideoPreprocessingOptions videoOptions = models.CreateVideoPreprocessingOptions();
        videoOptions.FrameStride = 1;
        var video = new VideoPreprocessor(new HaarFaceDetector(options: models.CreateHaarDetectorOptions()), videoOptions);
        using Image<Rgb24> photo = new FrameLoader().Load(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"));
        _crops = new float[video.TensorLength(SampledFrames)];
        video.Preprocess([.. Enumerable.Repeat(new VideoFrame(photo), SampledFrames)], _crops);

        _audioFeatures = _audioEncoder.EncodeAsync(_waveform).AsTask().GetAwaiter().GetResult();
        _videoFeatures = _visualEncoder.EncodeAsync(_crops, SampledFrames).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The audio encoder on one 7 s waveform (<c>[1, 112000]</c>).</summary>
    /// <returns>The number of feature rows (time steps).</returns>
    [Benchmark(Description = "Audio encoder, 7 s waveform")]
    public async Task<int> AudioEncoder()
    {
        using FeatureMatrix features = await _audioEncoder.EncodeAsync(_waveform);
        return features.Rows;
    }

    /// <summary>The visual encoder on one batch of 15 crops (<c>[15, 3, 224, 224]</c>).</summary>
    /// <returns>The number of feature rows (frames).</returns>
    [Benchmark(Description = "Visual encoder, 15 crops 224x224")]
    public async Task<int> VisualEncoder()
    {
        using FeatureMatrix features = await _visualEncoder.EncodeAsync(_crops, SampledFrames);
        return features.Rows;
    }

    /// <summary>The fusion head on the encoders' outputs for that clip (logits only; no softmax).</summary>
    /// <returns>The number of logits.</returns>
    [Benchmark(Description = "Fusion head, audio + 15 frame features")]
    public async Task<int> Fusion() => (await _fusion.FuseAsync(_audioFeatures, _videoFeatures, _mask)).Length;

    /// <summary>Releases the models and the features.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _audioFeatures?.Dispose();
        _videoFeatures?.Dispose();
        _audioEncoder?.Dispose();
        _visualEncoder?.Dispose();
        _fusion?.Dispose();
        GC.SuppressFinalize(this);
    }
}
