using NeuroSync.Audio;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Audio;

/// <summary>Quality of the resampler behind <see cref="AudioPreprocessor.ResampleToMono(AudioClip)"/>: level, stopband, length, alignment.</summary>
public sealed class SincResamplerTests(ITestOutputHelper output)
{
    private const int Target = 16_000;

    /// <summary>Enough room for any test clip (the default 7 s would cut the longer ones).</summary>
    private static readonly AudioPreprocessor Preprocessor = new(new AudioPreprocessingOptions { MaxSamples = 10 * Target });

    [Theory]
    [InlineData(48_000)]
    [InlineData(44_100)]
    [InlineData(22_050)]
    [InlineData(8_000)]
    [InlineData(11_025)]
    [InlineData(32_000)]
    [InlineData(96_000)]
    [InlineData(44_099)] // reduced up-factor 16000: the interpolated-phase path
    public void ResampleToMono_1kHzTone_KeepsLevel(int sourceRate)
    {
        const double amplitude = 0.5;
        var clip = new AudioClip(SignalAnalysis.Tone(sourceRate, 1000, 2 * sourceRate, amplitude), sourceRate);

        float[] resampled = Preprocessor.ResampleToMono(clip);

        const int margin = 400; // away from the zero-padded edges
        double level = SignalAnalysis.FitAmplitude(resampled.AsSpan(margin, resampled.Length - (2 * margin)), 1000, Target, margin);
        double errorDb = SignalAnalysis.Db(level / amplitude);
        output.WriteLine($"{sourceRate} Hz -> 16 kHz, 1 kHz tone: level error {errorDb:F5} dB");
        Assert.True(Math.Abs(errorDb) <= Tolerances.ResamplerPassbandDb, $"level error {errorDb:F4} dB exceeds {Tolerances.ResamplerPassbandDb} dB");
    }

    [Theory]
    [InlineData(48_000, 10_000)]
    [InlineData(48_000, 12_000)]
    [InlineData(48_000, 8_100)]
    [InlineData(44_100, 10_000)]
    [InlineData(44_100, 12_000)]
    [InlineData(44_100, 20_000)]
    [InlineData(22_050, 10_000)]
    [InlineData(96_000, 9_000)]
    [InlineData(44_099, 10_000)]
    public void ResampleToMono_ToneAboveTargetNyquist_IsSuppressed(int sourceRate, double frequency)
    {
        const double amplitude = 0.5;
        var clip = new AudioClip(SignalAnalysis.Tone(sourceRate, frequency, 2 * sourceRate, amplitude), sourceRate);

        float[] resampled = Preprocessor.ResampleToMono(clip);

        const int margin = 400;
        double rms = SignalAnalysis.Rms(resampled.AsSpan(margin, resampled.Length - (2 * margin)));
        double suppressionDb = -SignalAnalysis.Db(rms / (amplitude / Math.Sqrt(2)));
        output.WriteLine($"{sourceRate} Hz -> 16 kHz, {frequency} Hz tone: suppressed by {suppressionDb:F1} dB");
        Assert.True(suppressionDb >= Tolerances.ResamplerStopbandDb, $"suppression {suppressionDb:F1} dB below {Tolerances.ResamplerStopbandDb} dB");
    }

    [Theory]
    [InlineData(8_000, 3_000)]
    [InlineData(11_025, 5_000)]
    public void ResampleToMono_Upsampling_SuppressesSpectralImage(int sourceRate, double frequency)
    {
        const double amplitude = 0.5;
        var clip = new AudioClip(SignalAnalysis.Tone(sourceRate, frequency, 2 * sourceRate, amplitude), sourceRate);

        float[] resampled = Preprocessor.ResampleToMono(clip);

        const int margin = 400;
        ReadOnlySpan<float> interior = resampled.AsSpan(margin, resampled.Length - (2 * margin));
        double image = SignalAnalysis.FitAmplitude(interior, sourceRate - frequency, Target, margin);
        double suppressionDb = -SignalAnalysis.Db(image / amplitude);
        output.WriteLine($"{sourceRate} Hz -> 16 kHz, {frequency} Hz tone: image at {sourceRate - frequency} Hz suppressed by {suppressionDb:F1} dB");
        Assert.True(suppressionDb >= Tolerances.ResamplerStopbandDb, $"image suppression {suppressionDb:F1} dB below {Tolerances.ResamplerStopbandDb} dB");
    }

    [Theory]
    [InlineData(48_000, 336_000)]
    [InlineData(44_100, 308_700)]
    [InlineData(44_100, 2)]
    [InlineData(44_100, 1)]
    [InlineData(22_050, 12_345)]
    [InlineData(8_000, 7)]
    [InlineData(768_000, 1_000_001)]
    [InlineData(1_000, 3)]
    public void GetOutputLength_AnyInput_IsRoundedRatio(int sourceRate, int frames)
    {
        var resampler = new SincResampler(sourceRate, Target);

        int length = resampler.GetOutputLength(frames);

        int expected = (int)Math.Round((decimal)frames * Target / sourceRate, MidpointRounding.AwayFromZero);
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData(48_000, 6_000)]
    [InlineData(44_100, 6_000)]
    [InlineData(22_050, 6_000)]
    [InlineData(44_099, 6_000)]
    [InlineData(8_000, 3_500)]
    public void ResampleToMono_Chirp_IsTimeAlignedWithAnalyticSignal(int sourceRate, double topFrequency)
    {
        const double seconds = 1.5;
        var clip = new AudioClip(SignalAnalysis.Chirp(sourceRate, 100, topFrequency, seconds, 0.5), sourceRate);
        float[] reference = SignalAnalysis.Chirp(Target, 100, topFrequency, seconds, 0.5);

        float[] resampled = Preprocessor.ResampleToMono(clip);

        Assert.Equal(reference.Length, resampled.Length);
        int lag = SignalAnalysis.CrossCorrelationPeakLag(resampled, reference, maxLag: 20, margin: 400);
        double residual = 0;
        for (int i = 400; i < reference.Length - 400; i++)
        {
            residual += Math.Pow(resampled[i] - reference[i], 2);
        }

        double residualDb = SignalAnalysis.Db(Math.Sqrt(residual / (reference.Length - 800)) / SignalAnalysis.Rms(reference.AsSpan(400, reference.Length - 800)));
        output.WriteLine($"{sourceRate} Hz -> 16 kHz chirp 100..{topFrequency} Hz: peak lag {lag}, residual against the analytic chirp {residualDb:F1} dB");
        Assert.True(Math.Abs(lag) <= Tolerances.ResamplerAlignmentSamples, $"cross-correlation peak at lag {lag}, expected 0 +/- {Tolerances.ResamplerAlignmentSamples}");
        Assert.True(residualDb <= -Tolerances.ResamplerStopbandDb, $"residual {residualDb:F1} dB above -{Tolerances.ResamplerStopbandDb} dB");
    }

    [Theory]
    [InlineData(48_000)]
    [InlineData(44_100)]
    [InlineData(44_099)]
    [InlineData(8_000)]
    public void Process_RandomSignal_EqualsNaiveDirectEvaluation(int sourceRate)
    {
        float[] input = SignalAnalysis.Noise(sourceRate / 10, seed: sourceRate, amplitude: 0.5);
        var resampler = new SincResampler(sourceRate, Target);
        int count = resampler.GetOutputLength(input.Length);
        int margin = resampler.HalfTaps;
        var padded = new float[input.Length + (2 * margin)];
        input.CopyTo(padded, margin);
        var actual = new float[count];

        resampler.Process(padded, actual);

        double cutoff = SincResampler.CutoffFraction * Math.Min(sourceRate, Target) / 2;
        double beta = 0.1102 * (SincResampler.AttenuationDb - 8.7);
        float[] expected = NaiveAudioKernels.Resample(input, sourceRate, Target, count, cutoff, margin, beta);
        float max = 0;
        for (int i = 0; i < count; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        output.WriteLine($"{sourceRate} Hz: max abs difference to the naive twin {max:E2}");
        Assert.True(max <= Tolerances.AudioPreprocessing, $"max abs difference {max} > {Tolerances.AudioPreprocessing}");
    }

    [Fact]
    public void GetResampler_SameRate_ReturnsCachedInstancePerPreprocessor()
    {
        var first = new AudioPreprocessor();
        var second = new AudioPreprocessor();

        Assert.Same(first.GetResampler(44_100), first.GetResampler(44_100));
        Assert.NotSame(first.GetResampler(44_100), second.GetResampler(44_100));
    }
}
