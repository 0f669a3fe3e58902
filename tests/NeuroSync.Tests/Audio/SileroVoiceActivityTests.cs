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

    public sealed class Vad : IDisposable
    {
        public SileroVoiceActivity Detector { get; } = new(LiteModels.File("silero_vad_v5.onnx"));

        public void Dispose() => Detector.Dispose();
    }
}
