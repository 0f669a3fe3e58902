using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Audio;

public sealed class SileroVoiceActivityTests(SileroVoiceActivityTests.Vad vad, ITestOutputHelper output) : IClassFixture<SileroVoiceActivityTests.Vad>
{
    public static TheoryData<string, bool> Clips => new()
    {
        { "espeak_hello_22050.wav", true },
        { "steady_noise_16k.wav", false },
        { "noise_above_gate_2s.wav", false },
        { "tone_1khz_3s.wav", false },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void Detect_CommittedClip_FindsSpeechOnlyInSpeech(string file, bool speech)
    {
        float[] mono = new AudioPreprocessor().ResampleToMono(AudioClip.ReadWav(TestFiles.Path("Audio", file)));

        VoiceActivity activity = vad.Detector.Detect(mono);

        output.WriteLine($"{file}: speech {activity.SpeechDuration.TotalMilliseconds} ms, max probability {activity.MaxSpeechProbability:F3}");
        Assert.Equal(speech, activity.HasSpeech);
    }

    [Fact]
    public void Preprocess_SteadyNoiseAboveTheRmsGate_PassesTheGateAloneButNotTheVoiceActivityProbe()
    {
        AudioClip noise = AudioClip.ReadWav(TestFiles.Path("Audio", "steady_noise_16k.wav"));
        var destination = new float[112_000];

        AudioPreprocessingResult gateOnly = new AudioPreprocessor().Preprocess(noise, destination);
        AudioPreprocessingResult probed = new AudioPreprocessor(voiceActivity: vad.Detector).Preprocess(noise, destination);

        Assert.True(gateOnly.Rms > 0.015f, $"RMS {gateOnly.Rms} should be above the original's 0.015 gate");
        Assert.Equal(AudioStatus.Available, gateOnly.Status); // the original's weakness: noise passes as a voice
        Assert.Equal(AudioStatus.NoSpeech, probed.Status);
        Assert.False(probed.VoiceActivity!.Value.HasSpeech);
        Assert.All(destination, v => Assert.Equal(0f, v)); // the encoder hears zeros, as for silence
    }

    [Fact]
    public void Preprocess_Speech_StaysAvailableWithTheProbe()
    {
        AudioClip speech = AudioClip.ReadWav(TestFiles.Path("Audio", "espeak_hello_22050.wav"));

        AudioPreprocessingResult result = new AudioPreprocessor(voiceActivity: vad.Detector).Preprocess(speech, new float[112_000]);

        Assert.Equal(AudioStatus.Available, result.Status);
        Assert.True(result.VoiceActivity!.Value.SpeechDuration >= TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void Preprocess_SilentClip_SkipsTheProbe()
    {
        AudioClip quiet = AudioClip.ReadWav(TestFiles.Path("Audio", "quiet_noise_2s.wav"));

        AudioPreprocessingResult result = new AudioPreprocessor(voiceActivity: vad.Detector).Preprocess(quiet, new float[112_000]);

        Assert.Equal(AudioStatus.Silent, result.Status);
        Assert.Null(result.VoiceActivity);
    }

    [Fact]
    public async Task Detect_ConcurrentCalls_GiveTheSameAnswerAsOneCall()
    {
        float[] mono = new AudioPreprocessor().ResampleToMono(AudioClip.ReadWav(TestFiles.Path("Audio", "espeak_hello_22050.wav")));
        VoiceActivity single = vad.Detector.Detect(mono);

        VoiceActivity[] concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => vad.Detector.Detect(mono))));

        Assert.All(concurrent, a => Assert.Equal(single, a)); // tolerance: exact (per-call state, same session)
    }

    [Fact]
    public void Create_DetectorAtAnotherRate_IsRejected()
    {
        var options = new AudioPreprocessingOptions { TargetSampleRate = 8_000 };

        Assert.Throws<ArgumentException>(() => new AudioPreprocessor(options, vad.Detector));
    }

    [Theory]
    [InlineData("espeak_hello_22050.wav")]
    [InlineData("steady_noise_16k.wav")]
    [InlineData("tone_1khz_3s.wav")]
    [InlineData("speechlike_9s.wav")]
    public void Score_SequenceGraph_EqualsSilerosOwnGraphWindowByWindow(string file)
    {
        // Silero's own file (run once per window, as its OnnxWrapper does) is the reference for the graph that scores a
        // whole signal in one run (tools/lite/silero_sequence.py). A cut keeps the last window partial (zero-padded).
        float[] mono = new AudioPreprocessor().ResampleToMono(AudioClip.ReadWav(TestFiles.Path("Audio", file)))[..^100];
        var expected = new float[SileroVoiceActivity.WindowCount(mono.Length)];
        var actual = new float[expected.Length];

        vad.Original.Score(mono, expected, CancellationToken.None);
        vad.Detector.Score(mono, actual, CancellationToken.None);

        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"{file}: {expected.Length} windows, max |difference| {maxDiff:E2}, probabilities {expected.Min():F3} to {expected.Max():F3}");
        Assert.True(maxDiff <= 1e-5, $"max |difference| {maxDiff:E2}"); // tolerance: float32 order of a recurrence over hundreds of windows
        Assert.Equal(vad.Original.Detect(mono).HasSpeech, vad.Detector.Detect(mono).HasSpeech);
    }

    [Fact]
    public void Score_SignalLongerThanOneRun_CarriesTheStateAcrossRuns()
    {
        // Over 4096 windows the sequence graph takes several runs; the recurrent state must carry over as within one run.
        float[] speech = new AudioPreprocessor().ResampleToMono(AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")));
        float[] longSignal = [.. Enumerable.Range(0, 24).SelectMany(_ => speech)];
        int windows = SileroVoiceActivity.WindowCount(longSignal.Length);
        Assert.True(windows > 4096, $"{windows} windows");
        var whole = new float[windows];
        vad.Detector.Score(longSignal, whole, CancellationToken.None);

        var windowByWindow = new float[windows];
        vad.Original.Score(longSignal, windowByWindow, CancellationToken.None);

        double maxDiff = whole.Zip(windowByWindow, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{windows} windows, max |difference| {maxDiff:E2}");
        Assert.True(maxDiff <= 1e-5, $"max |difference| {maxDiff:E2}"); // a state lost between runs would differ by far more
    }

    [Fact]
    public void Create_ModelOfAnotherKind_IsRejectedNamingBothInterfaces()
    {
        var ex = Assert.Throws<ModelMismatchException>(() => new SileroVoiceActivity(LiteModels.File("blazeface.onnx")));

        Assert.Contains("inputs windows, state", ex.Message, StringComparison.Ordinal);
        Assert.Contains("blazeface.onnx", ex.Message, StringComparison.Ordinal);
    }

    public sealed class Vad : IDisposable
    {
        public SileroVoiceActivity Detector { get; } = new(LiteModels.File("silero_vad_v5_sequence.onnx"));

        public SileroVoiceActivity Original { get; } = new(TestFiles.Path("Lite", "silero_vad_v5.onnx"));

        public void Dispose()
        {
            Detector.Dispose();
            Original.Dispose();
        }
    }
}
