using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Audio;

public sealed class AudioPreprocessorTests(ITestOutputHelper output)
{
    private static readonly PreprocessReference Reference = ReferenceJson.Read<PreprocessReference>("Golden", "audio", "preprocess.json");

    public static TheoryData<string> GoldenCases => new(Reference.Cases.Select(c => c.Case));

    [Fact]
    public void Defaults_MatchReferenceSettings()
    {
        var preprocessor = new AudioPreprocessor();
        AudioPreprocessingOptions options = preprocessor.Options;

        Assert.Equal(Reference.SampleRate, preprocessor.TargetSampleRate);
        Assert.Equal(Reference.MaxSamples, preprocessor.MaxSamples);
        Assert.Equal((float)Reference.SilenceRms, options.SilenceRmsThreshold);
        Assert.Equal(Reference.Epsilon, options.NormalizationEpsilon);
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Preprocess_GoldenCase_MatchesNumpyReference(string name)
    {
        PreprocessCase expected = Reference.Cases.Single(c => c.Case == name);
        AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", expected.Input));
        var (golden, shape) = Npy.ReadFloat32(TestFiles.Path("Golden", "audio", expected.Golden));
        var preprocessor = new AudioPreprocessor();
        var actual = new float[preprocessor.MaxSamples];

        AudioPreprocessingResult result = preprocessor.Preprocess(clip, actual);

        Assert.Equal([Reference.MaxSamples], shape);
        Assert.Equal(expected.InputSamples, clip.FrameCount);
        Assert.Equal(expected.ValidSamples, result.ValidSamples);
        Assert.Equal(expected.Silent ? AudioStatus.Silent : AudioStatus.Available, result.Status);
        Assert.True(
            Math.Abs(result.Rms - expected.Rms) <= Tolerances.AudioStatisticRelative * expected.Rms,
            $"{name}: rms {result.Rms} vs {expected.Rms} (relative tolerance {Tolerances.AudioStatisticRelative})");

        float max = 0;
        int at = 0;
        for (int i = 0; i < golden.Length; i++)
        {
            float d = Math.Abs(golden[i] - actual[i]);
            if (d > max)
            {
                (max, at) = (d, i);
            }
        }

        output.WriteLine($"{name}: max abs difference {max:E2} at {at}; rms {result.Rms} (reference {expected.Rms})");
        if (max > Tolerances.AudioPreprocessing)
        {
            WriteActual(name, actual);
        }

        Assert.True(max <= Tolerances.AudioPreprocessing, $"{name}: max abs difference {max} at sample {at} > {Tolerances.AudioPreprocessing}");
    }

    [Fact]
    public void Preprocess_QuietNoise_IsSilentAndAllZeros()
    {
        AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", "quiet_noise_2s.wav"));
        var preprocessor = new AudioPreprocessor();
        var destination = new float[preprocessor.MaxSamples];
        destination.AsSpan().Fill(1f);

        AudioPreprocessingResult result = preprocessor.Preprocess(clip, destination);

        Assert.True(result.IsSilent);
        Assert.All(destination, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Preprocess_RmsJustAboveAndBelowGate_FollowsThreshold()
    {
        var preprocessor = new AudioPreprocessor();
        var destination = new float[preprocessor.MaxSamples];
        float[] square = Enumerable.Range(0, 16_000).Select(i => (i & 1) == 0 ? 1f : -1f).ToArray();

        // A +/-a square wave has RMS exactly a.
        var above = preprocessor.Preprocess(new AudioClip(square.Select(v => v * 0.0151f).ToArray(), 16_000), destination);
        var below = preprocessor.Preprocess(new AudioClip(square.Select(v => v * 0.0149f).ToArray(), 16_000), destination);

        Assert.Equal(AudioStatus.Available, above.Status);
        Assert.Equal(AudioStatus.Silent, below.Status);
    }

    [Fact]
    public void Preprocess_GateDisabled_NormalisesQuietNoise()
    {
        AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", "quiet_noise_2s.wav"));
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions { SilenceRmsThreshold = 0 });
        var destination = new float[preprocessor.MaxSamples];

        AudioPreprocessingResult result = preprocessor.Preprocess(clip, destination);

        Assert.Equal(AudioStatus.Available, result.Status);
        // Zero-mean noise: the normalised RMS is sqrt(var / (var + epsilon)), just under 1 for such a quiet input.
        double expected = result.Rms / Math.Sqrt((result.Rms * (double)result.Rms) + 1e-7);
        double rms = SignalAnalysis.Rms(destination.AsSpan(0, result.ValidSamples));
        Assert.True(Math.Abs(rms - expected) <= 1e-3 * expected, $"normalised rms {rms}, expected {expected} (relative tolerance 1e-3 for the noise's small mean)");
    }

    [Fact]
    public void Preprocess_NormalizeOff_WritesRawMonoAndZeroPadding()
    {
        float[] samples = SignalAnalysis.Tone(16_000, 440, 1000, 0.3);
        var preprocessor = new AudioPreprocessor(new AudioPreprocessingOptions { Normalize = false });
        var destination = new float[preprocessor.MaxSamples];
        destination.AsSpan().Fill(float.NaN);

        preprocessor.Preprocess(new AudioClip(samples, 16_000), destination);

        Assert.Equal(samples, destination[..1000]);
        Assert.All(destination[1000..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Preprocess_StereoAtTargetRate_EqualsPreprocessOfChannelMean()
    {
        float[] left = SignalAnalysis.Noise(20_000, seed: 1, amplitude: 0.4);
        float[] right = SignalAnalysis.Tone(16_000, 300, 20_000, 0.2);
        float[] interleaved = new float[40_000];
        for (int i = 0; i < 20_000; i++)
        {
            interleaved[2 * i] = left[i];
            interleaved[(2 * i) + 1] = right[i];
        }

        float[] mean = NaiveAudioKernels.MixToMono(interleaved, 2);
        var preprocessor = new AudioPreprocessor();
        var stereoOut = new float[preprocessor.MaxSamples];
        var monoOut = new float[preprocessor.MaxSamples];

        preprocessor.Preprocess(new AudioClip(interleaved, 16_000, channels: 2), stereoOut);
        preprocessor.Preprocess(new AudioClip(mean, 16_000), monoOut);

        Assert.Equal(monoOut, stereoOut);
    }

    [Fact]
    public void Preprocess_NaNSample_ThrowsNamingFirstBadIndex()
    {
        float[] samples = SignalAnalysis.Tone(16_000, 440, 1000, 0.3);
        samples[17] = float.NaN;
        samples[500] = float.NaN;
        var preprocessor = new AudioPreprocessor();

        var error = Assert.Throws<InvalidAudioException>(() => preprocessor.Preprocess(new AudioClip(samples, 16_000), new float[preprocessor.MaxSamples]));

        Assert.Equal("Audio samples: expected finite values, found NaN at sample index 17 (frame 17, channel 0).", error.Message);
    }

    [Fact]
    public void Preprocess_InfinityInStereoAt44kHz_ThrowsNamingFrameAndChannel()
    {
        float[] samples = new float[2 * 4410];
        samples[(2 * 100) + 1] = float.PositiveInfinity;
        var preprocessor = new AudioPreprocessor();

        var error = Assert.Throws<InvalidAudioException>(() => preprocessor.Preprocess(new AudioClip(samples, 44_100, 2), new float[preprocessor.MaxSamples]));

        Assert.Equal("Audio samples: expected finite values, found +Infinity at sample index 201 (frame 100, channel 1).", error.Message);
    }

    [Fact]
    public void ReadWavThenPreprocess_NanFixture_ThrowsInvalidAudioException()
    {
        Assert.Throws<InvalidAudioException>(() =>
        {
            AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", "Bad", "nan.wav"));
            new AudioPreprocessor().Preprocess(clip, new float[112_000]);
        });
    }

    [Fact]
    public void Preprocess_EmptyClip_ThrowsExpectedAtLeastOneSample()
    {
        var preprocessor = new AudioPreprocessor();

        var error = Assert.Throws<InvalidAudioException>(() => preprocessor.Preprocess(new AudioClip(Array.Empty<float>(), 16_000), new float[preprocessor.MaxSamples]));

        Assert.Equal("Audio: expected at least 1 sample, found 0.", error.Message);
    }

    [Fact]
    public void Preprocess_OneFrameAt48kHz_ThrowsNoSampleAfterResampling()
    {
        var preprocessor = new AudioPreprocessor();

        var error = Assert.Throws<InvalidAudioException>(() => preprocessor.Preprocess(new AudioClip(new float[] { 0.5f }, 48_000), new float[preprocessor.MaxSamples]));

        Assert.Contains("expected at least 1 sample at 16000 Hz, found 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(111_999)]
    [InlineData(112_001)]
    [InlineData(0)]
    public void Preprocess_DestinationNotMaxSamples_ThrowsArgumentException(int length)
    {
        var preprocessor = new AudioPreprocessor();

        var error = Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(new AudioClip(new float[100], 16_000), new float[length]));

        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void Preprocess_NullClip_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new AudioPreprocessor().Preprocess(null!, new float[112_000]));
    }

    [Theory]
    [InlineData(16_000, 1)]
    [InlineData(48_000, 2)]
    [InlineData(22_050, 3)]
    public void Preprocess_AnyClip_NeverWritesCallerSamples(int sampleRate, int channels)
    {
        float[] samples = SignalAnalysis.Noise(sampleRate * channels, seed: 5, amplitude: 0.5);
        float[] copy = (float[])samples.Clone();
        var preprocessor = new AudioPreprocessor();

        preprocessor.Preprocess(new AudioClip(samples, sampleRate, channels), new float[preprocessor.MaxSamples]);
        preprocessor.ResampleToMono(new AudioClip(samples, sampleRate, channels));

        Assert.Equal(copy, samples);
    }

    [Fact]
    public void Preprocess_LongClip_UsesFirstSevenSeconds()
    {
        float[] samples = SignalAnalysis.Noise(10 * 48_000, seed: 9, amplitude: 0.5);
        var preprocessor = new AudioPreprocessor();
        var full = new float[preprocessor.MaxSamples];
        var cut = new float[preprocessor.MaxSamples];

        var fullResult = preprocessor.Preprocess(new AudioClip(samples, 48_000), full);
        // 7 s of output need the first 336 000 input frames plus the filter's half-width; nothing after that matters.
        int needed = (7 * 48_000) + preprocessor.GetResampler(48_000).HalfTaps;
        preprocessor.Preprocess(new AudioClip(samples.AsMemory(0, needed), 48_000), cut);

        Assert.Equal(112_000, fullResult.ValidSamples);
        Assert.Equal(full, cut);
    }

    [Fact]
    public void ResampleToMono_48kHzStereo_HasRoundedLengthAndEqualsSpanVariant()
    {
        float[] samples = SignalAnalysis.Noise(2 * 12_345, seed: 11, amplitude: 0.5);
        var clip = new AudioClip(samples, 48_000, channels: 2);
        var preprocessor = new AudioPreprocessor();
        var destination = new float[preprocessor.MaxSamples];

        float[] mono = preprocessor.ResampleToMono(clip);
        int written = preprocessor.ResampleToMono(clip, destination);

        Assert.Equal(4115, mono.Length); // round(12345 / 3) = round(4115.0)
        Assert.Equal(mono.Length, written);
        Assert.Equal(mono, destination[..written]);
    }

    [Fact]
    public void Preprocess_EspeakSpeechAt22050Hz_IsAvailableWithRoundedLength()
    {
        AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", "espeak_hello_22050.wav"));
        var preprocessor = new AudioPreprocessor();
        var destination = new float[preprocessor.MaxSamples];

        AudioPreprocessingResult result = preprocessor.Preprocess(clip, destination);

        Assert.Equal(AudioStatus.Available, result.Status);
        Assert.Equal((int)Math.Round(clip.FrameCount * 16_000.0 / 22_050, MidpointRounding.AwayFromZero), result.ValidSamples);
        Assert.Equal(22_050, result.SourceSampleRate);
    }

    [Fact]
    public void Preprocess_ParallelCallsOnOneInstance_EachEqualSequentialResult()
    {
        var preprocessor = new AudioPreprocessor();
        int[] rates = [16_000, 22_050, 44_100, 48_000, 8_000, 32_000];
        AudioClip[] clips = rates.Select((rate, i) => new AudioClip(SignalAnalysis.Noise(2 * rate * 2, seed: i, amplitude: 0.4), rate, channels: 2)).ToArray();
        float[][] sequential = clips.Select(clip =>
        {
            var d = new float[preprocessor.MaxSamples];
            new AudioPreprocessor().Preprocess(clip, d);
            return d;
        }).ToArray();

        var failures = 0;
        Parallel.For(0, 48, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var d = new float[preprocessor.MaxSamples];
            preprocessor.Preprocess(clips[i % clips.Length], d);
            if (!d.AsSpan().SequenceEqual(sequential[i % clips.Length]))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData(16_000, 1)]
    [InlineData(48_000, 2)]
    [InlineData(44_100, 1)]
    public void Preprocess_AfterWarmUp_AllocatesNothing(int sampleRate, int channels)
    {
        var preprocessor = new AudioPreprocessor();
        var clip = new AudioClip(SignalAnalysis.Noise(8 * sampleRate * channels, seed: 2, amplitude: 0.4), sampleRate, channels);
        var destination = new float[preprocessor.MaxSamples];
        preprocessor.Preprocess(clip, destination); // designs and caches the filter, warms the array pool
        preprocessor.Preprocess(clip, destination);

        // ArrayPool.Shared may be trimmed by a gen-2 collection that a test running in parallel causes, so one window can
        // see a fresh rental; steady state is what is asserted: the quietest of several windows allocates nothing.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                preprocessor.Preprocess(clip, destination);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allocated == 0, $"{allocated} bytes allocated by 5 warm calls; expected 0 (pooled intermediates, caller-owned output)");
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_HasNoEffect()
    {
        var options = new AudioPreprocessingOptions { MaxSamples = 1000 };
        var preprocessor = new AudioPreprocessor(options);

        options.MaxSamples = 5;

        Assert.Equal(1000, preprocessor.MaxSamples);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsArgumentOutOfRangeException()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AudioPreprocessor(new AudioPreprocessingOptions { MaxSamples = 0 }));

        Assert.Equal(nameof(AudioPreprocessingOptions.MaxSamples), error.ParamName);
    }

    private static void WriteActual(string name, float[] actual)
    {
        string dir = TestFiles.ActualOutput(nameof(Preprocess_GoldenCase_MatchesNumpyReference));
        File.WriteAllLines(Path.Combine(dir, name + ".txt"), actual.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private sealed record PreprocessCase(string Case, string Input, string Golden, double Rms, bool Silent, int ValidSamples, int InputSamples);

    private sealed record PreprocessReference(int SampleRate, int MaxSamples, double SilenceRms, double Epsilon, PreprocessCase[] Cases);
}
