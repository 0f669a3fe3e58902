using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.EndToEnd;

/// <summary>
/// <see cref="EmotionRecognizer.RecognizeAsync"/> end to end on the model set of <see cref="BenchmarkModels"/> (<c>models/tiny</c>
/// by default): audio front-end, video front-end (every 10th frame: lighting probe, Haar detection, crop, normalise), both
/// encoders, the fusion head, softmax and the modality contributions (two more fusion runs).
/// </summary>
/// <remarks>
/// The clip is 150 frames of 640x480 (5 s at 30 fps, so 15 sampled), each the committed astronaut photo (one face), and the
/// committed 9 s speech-like WAV (16 kHz mono; the encoder hears its first 7 s). The zero-input caches (the encoders' outputs for
/// silence and for blank frames) fill during the first call, so the warm-up covers them and the rows time the steady state.
/// </remarks>
[MemoryDiagnoser]
public class RecognizeBenchmarks : IDisposable
{
    private const int FrameCount = 150;
    private const double FramesPerSecond = 30;

    private EmotionRecognizer _recognizer = null!;
    private EmotionRecognizer _overlapped = null!;
    private Image<Rgb24> _photo = null!;
    private EmotionInput _speechAndFace = null!;
    private EmotionInput _silenceAndFace = null!;
    private EmotionInput _speechOnly = null!;
    private EmotionInput _faceOnly = null!;

    /// <summary>Loads the model set and the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string models = BenchmarkModels.Folder;
        Console.WriteLine($"// NeuroSync model set: {models}");
        _recognizer = EmotionRecognizer.Create(models, BenchmarkModels.OnnxOptions);
        _overlapped = EmotionRecognizer.Create(models, BenchmarkModels.OnnxOptions, configure: o => o.ModalityScheduling = ModalityScheduling.Overlapped);
        _photo = new FrameLoader().Load(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"));
        VideoFrame[] frames = [.. Enumerable.Range(0, FrameCount).Select(i => new VideoFrame(_photo, TimeSpan.FromSeconds(i / FramesPerSecond)))];
        AudioClip speech = AudioClip.ReadWav(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav"));
        var silence = new AudioClip(new float[7 * 16_000], 16_000);

        _speechAndFace = new EmotionInput { Audio = speech, Frames = frames };
        _silenceAndFace = new EmotionInput { Audio = silence, Frames = frames };
        _speechOnly = new EmotionInput { Audio = speech };
        _faceOnly = new EmotionInput { Frames = frames };
    }

    /// <summary>7 s of speech and 150 frames with a face: every stage runs.</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Baseline = true, Description = "Speech 7 s + 150 frames 640x480 with a face (15 sampled)")]
    public Task<EmotionPrediction> SpeechAndFace() => _recognizer.RecognizeAsync(_speechAndFace);

    /// <summary>The same clip with the audio and the video paths overlapped instead of one after the other (the default on the
    /// CPU): how much the overlap gains or loses on this machine.</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Description = "Speech 7 s + 150 frames, audio and video paths overlapped")]
    public Task<EmotionPrediction> SpeechAndFaceOverlapped() => _overlapped.RecognizeAsync(_speechAndFace);

    /// <summary>Silent audio and the same frames: the audio encoder is skipped (its output for silence is cached).</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Description = "Silent audio + 150 frames with a face (audio encoder skipped)")]
    public Task<EmotionPrediction> SilenceAndFace() => _recognizer.RecognizeAsync(_silenceAndFace);

    /// <summary>Speech without video: the video front-end and encoder are skipped (blank-frame output cached).</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Description = "Speech 7 s, no video (visual encoder skipped)")]
    public Task<EmotionPrediction> SpeechOnly() => _recognizer.RecognizeAsync(_speechOnly);

    /// <summary>The same frames without audio: the visual-only path (audio front-end and encoder skipped; silence output cached).
    /// Row (b), silent audio, should cost no more than this.</summary>
    /// <returns>The prediction.</returns>
    [Benchmark(Description = "150 frames with a face, no audio (visual-only path)")]
    public Task<EmotionPrediction> FaceOnly() => _recognizer.RecognizeAsync(_faceOnly);

    /// <summary>Releases the recognizer and the photo.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _recognizer?.Dispose();
        _overlapped?.Dispose();
        _photo?.Dispose();
        GC.SuppressFinalize(this);
    }
}
