using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Audio;

/// <summary>
/// The robust voice gate on clips at real recording levels (tools/audio/make_level_clips.py): espeak-ng speech whose
/// voiced part is at RMS 0.002 (the whole clip lower still, with its pauses), and noise that must never count as a voice.
/// </summary>
public sealed class RobustVoiceGateTests(RobustVoiceGateTests.Detector silero) : IClassFixture<RobustVoiceGateTests.Detector>
{
    public static TheoryData<string> QuietSpeech => new("en_0_rms0.002.wav", "de_0_rms0.002.wav", "cmn_0_rms0.002.wav");

    public static TheoryData<string> NonSpeech => new("white_rms0.0003.wav", "hum50_rms0.01.wav", "pink_rms0.05.wav");

    [Theory]
    [MemberData(nameof(QuietSpeech))]
    public void Preprocess_QuietSpeech_IsVoiceInRobustModeAndSilenceInOriginalMode(string file)
    {
        AudioClip clip = Level("speech", file);
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions(), silero.Instance);
        var destination = new float[preprocessor.MaxSamples];

        AudioPreprocessingResult robust = preprocessor.Preprocess(clip, destination, RecognitionMode.Robust);
        AudioPreprocessingResult original = preprocessor.Preprocess(clip, destination, RecognitionMode.Original);

        Assert.True(robust.Rms < 0.002f, $"rms {robust.Rms}");
        Assert.Equal(AudioStatus.Available, robust.Status);
        Assert.True(robust.VoiceActivity!.Value.SpeechDuration >= TimeSpan.FromSeconds(1), $"speech {robust.VoiceActivity}");
        Assert.Equal(AudioStatus.Silent, original.Status);
    }

    [Theory]
    [MemberData(nameof(NonSpeech))]
    public void Preprocess_NoiseAtAnyLevel_IsNeverVoice(string file)
    {
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions(), silero.Instance);

        AudioPreprocessingResult robust = preprocessor.Preprocess(Level("nonspeech", file), new float[preprocessor.MaxSamples], RecognitionMode.Robust);

        Assert.Equal(AudioStatus.NoSpeech, robust.Status);
    }

    [Theory]
    [InlineData(0f)] // digital silence
    [InlineData(1f / 32768)] // one bit of dither
    public void Preprocess_DigitalSilence_IsSilentWithoutAskingTheDetector(float amplitude)
    {
        var rng = new Random(7);
        var samples = new float[3 * 16_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.25f + (amplitude * rng.Next(-1, 2)); // a DC offset is no signal either
        }

        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions(), silero.Instance);

        AudioPreprocessingResult robust = preprocessor.Preprocess(new AudioClip(samples, 16_000), new float[preprocessor.MaxSamples], RecognitionMode.Robust);

        Assert.Equal(AudioStatus.Silent, robust.Status);
        Assert.Null(robust.VoiceActivity);
    }

    [Theory]
    [InlineData(0.125f)]
    [InlineData(4f)]
    public void Preprocess_TheSameSpeechAtAnotherLevel_GetsTheSameDecisionExactly(float gain)
    {
        // Powers of two scale the RMS and the signal exactly, so the levelled signal the detector sees is bit-identical.
        AudioClip clip = Level("speech", "en_0_rms0.002.wav");
        float[] scaled = clip.Samples.ToArray();
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] *= gain;
        }

        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions(), silero.Instance);
        var destination = new float[preprocessor.MaxSamples];

        VoiceActivity quiet = preprocessor.Preprocess(clip, destination, RecognitionMode.Robust).VoiceActivity!.Value;
        VoiceActivity other = preprocessor.Preprocess(new AudioClip(scaled, clip.SampleRate), destination, RecognitionMode.Robust).VoiceActivity!.Value;
        VoiceActivity unlevelled = silero.Instance.Detect(preprocessor.ResampleToMono(new AudioClip(scaled, clip.SampleRate)));

        Assert.Equal(quiet, other); // tolerance: exact
        Assert.NotEqual(unlevelled.MaxSpeechProbability, other.MaxSpeechProbability); // so the levelling is what makes them equal
    }

    [Fact]
    public void Preprocess_RobustWithoutADetector_SaysWhatIsMissing()
    {
        var preprocessor = new AudioPreprocessor();

        var ex = Assert.Throws<InvalidOperationException>(() => preprocessor.Preprocess(Level("speech", "en_0_rms0.002.wav"), new float[preprocessor.MaxSamples], RecognitionMode.Robust));

        Assert.Contains("SileroVoiceActivity.CreateBuiltIn()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBuiltIn_IsTheLiteSetsSileroExactly()
    {
        using var fromFile = new SileroVoiceActivity(LiteModels.File("silero_vad_v5_sequence.onnx"));
        float[] speech = new AudioPreprocessor().ResampleToMono(AudioClip.ReadWav(TestFiles.Path("Audio", "espeak_hello_22050.wav")));

        Assert.Equal(fromFile.Detect(speech), silero.Instance.Detect(speech)); // tolerance: exact
    }

    [Theory]
    [InlineData(RecognitionMode.Robust)]
    [InlineData(RecognitionMode.Original)]
    public void Preprocess_HandsTheCallersTokenToTheVoiceActivityDetector(RecognitionMode mode)
    {
        var detector = new TokenRecordingDetector();
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions { VoiceActivityAfterRmsGate = true }, detector);
        using var cancellation = new CancellationTokenSource();
        // Loud enough for the original's RMS gate, so both modes reach the detector.
        var clip = new AudioClip(SignalAnalysis.Noise(16_000, seed: 5, amplitude: 0.3), 16_000);

        preprocessor.Preprocess(clip, new float[preprocessor.MaxSamples], mode, cancellation.Token);

        Assert.Equal(cancellation.Token, detector.Token);
    }

    [Fact]
    public void Preprocess_CancelledWhileTheDetectorRuns_Throws()
    {
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions(), silero.Instance);
        AudioClip clip = Level("speech", "en_0_rms0.002.wav");

        Assert.ThrowsAny<OperationCanceledException>(() => preprocessor.Preprocess(clip, new float[preprocessor.MaxSamples], RecognitionMode.Robust, new CancellationToken(canceled: true)));
    }

    private static AudioClip Level(string kind, string file) => AudioClip.ReadWav(TestFiles.Path("Audio", "Levels", kind, file));

    public sealed class Detector : IDisposable
    {
        public SileroVoiceActivity Instance { get; } = SileroVoiceActivity.CreateBuiltIn();

        public void Dispose() => Instance.Dispose();
    }

    private sealed class TokenRecordingDetector : IVoiceActivityDetector
    {
        public CancellationToken Token { get; private set; }

        public int SampleRate => 16_000;

        public VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
        {
            Token = cancellationToken;
            return new VoiceActivity(true, TimeSpan.FromSeconds(1), 1f);
        }
    }
}
