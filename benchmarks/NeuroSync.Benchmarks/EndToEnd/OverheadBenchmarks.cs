using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;
using NeuroSync.Benchmarks.Vision;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.EndToEnd;

/// <summary>
/// The SDK's own cost per clip, without the networks: <see cref="EmotionRecognizer.RecognizeAsync"/> with encoders and a
/// fusion head that answer at once (real-size feature shapes: <c>[349, 1024]</c> audio, <c>[F, 1280]</c> video) and a
/// face detector that returns a fixed box. What remains is everything the SDK does around ONNX Runtime's <c>Run</c>
/// calls except face detection: the audio front-end (mono mix, resampling when needed, the 7 s cut, the gate,
/// normalisation), the video front-end (lighting probe, crop, OpenCV-exact resize, normalisation into the batch tensor),
/// scheduling the two paths concurrently, the mask, softmax, contributions and the result.
/// </summary>
/// <remarks>Face detection is left out on purpose: it is a network-sized computation of its own (Haar or BlazeFace),
/// measured in <c>Vision/</c>; the output copies of the real encoders (about 1.5 MB) are also not here.</remarks>
[MemoryDiagnoser]
public class OverheadBenchmarks : IDisposable
{
    private const int SampledFrames = 15;

    private EmotionRecognizer _recognizer = null!;
    private Image<Rgb24> _photo = null!;
    private EmotionInput _speech16kAndFace = null!;
    private EmotionInput _speech48kStereoAndFace = null!;

    /// <summary>Builds the recognizer with instant networks and the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _photo = new FrameLoader().Load(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"));
        var detector = new FixedFaceDetector(new FaceBox(221, 83, 119, 119));
        _recognizer = new EmotionRecognizer(
            new InstantAudioEncoder(),
            new InstantVisualEncoder(),
            new InstantFusionEngine(),
            new AudioPreprocessor(),
            new VideoPreprocessor(detector, new VideoPreprocessingOptions { FrameStride = 1 }),
            new EmotionRecognizerOptions { Mode = RecognitionMode.Original }); // the RMS gate: robust mode adds a voice-activity model, not SDK overhead

        VideoFrame[] frames = [.. Enumerable.Range(0, SampledFrames).Select(_ => new VideoFrame(_photo))];
        AudioClip speech = AudioClip.ReadWav(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav"));
        _speech16kAndFace = new EmotionInput { Audio = speech, Frames = frames };
        _speech48kStereoAndFace = new EmotionInput { Audio = Stereo48k(7), Frames = frames };
    }

    /// <summary>16 kHz mono speech (no resampling) and 15 sampled frames with a face.</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Baseline = true, Description = "SDK overhead: 16 kHz speech 7 s + 15 frames 640x480 (no networks, no face detection)")]
    public Task<EmotionPrediction> Speech16kAndFace() => _recognizer.RecognizeAsync(_speech16kAndFace);

    /// <summary>The same with 48 kHz stereo audio, which the SDK mixes down and resamples.</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Description = "SDK overhead: 48 kHz stereo speech 7 s + 15 frames 640x480 (resampling included)")]
    public Task<EmotionPrediction> Speech48kStereoAndFace() => _recognizer.RecognizeAsync(_speech48kStereoAndFace);

    /// <summary>Releases the recognizer and the photo.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _recognizer?.Dispose();
        _photo?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static AudioClip Stereo48k(int seconds)
    {
        var random = new Random(7);
        float[] samples = new float[seconds * 48_000 * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)((0.2 * Math.Sin(2 * Math.PI * 220 * (i / 2) / 48_000.0)) + (0.01 * random.NextDouble()));
        }

        return new AudioClip(samples, 48_000, channels: 2);
    }

    private sealed class InstantAudioEncoder : IAudioEncoder
    {
        private readonly float[] _features = new float[349 * 1024];

        public int InputLength => 112_000;

        public int FeatureDimension => 1024;

        public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FeatureMatrix(_features, 349, 1024));

        public void Dispose()
        {
        }
    }

    private sealed class InstantVisualEncoder : IVisualEncoder
    {
        private readonly float[] _features = new float[SampledFrames * 1280];

        public int CropSize => 224;

        public int FeatureDimension => 1280;

        public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FeatureMatrix(_features.AsMemory(0, Math.Min(frameCount, SampledFrames) * 1280), Math.Min(frameCount, SampledFrames), 1280));

        public void Dispose()
        {
        }
    }

    private sealed class InstantFusionEngine : IFusionEngine
    {
        private static readonly float[] Logits = [0.1f, 0.2f, 0.3f, 1.5f, 0.4f, 0.2f, 0.1f];

        public EmotionLabelSet Labels => EmotionLabelSet.Default;

        // A fresh array per call, as the real head returns: the recognizer owns it.
        public ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult((float[])Logits.Clone());

        public void Dispose()
        {
        }
    }
}
