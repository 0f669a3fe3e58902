using NeuroSync.Audio;

namespace NeuroSync.Tests.Audio;

/// <summary>"Optimized equals naive": every kernel against its scalar double twin in <see cref="NaiveAudioKernels"/>.</summary>
public sealed class AudioKernelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(64)]
    public void MixToMono_RandomFrames_EqualsNaiveMean(int channels)
    {
        float[] interleaved = SignalAnalysis.Noise(1001 * channels, seed: channels, amplitude: 1.0);
        var mono = new float[1001];

        AudioKernels.MixToMono(interleaved, channels, mono);

        float[] expected = NaiveAudioKernels.MixToMono(interleaved, channels);
        // 1 and 2 channels round exactly once, as the naive double mean does; more channels add float rounding per channel.
        float tolerance = channels <= 2 ? 0f : Tolerances.AudioPreprocessing;
        Assert.True(MaxAbs(expected, mono) <= tolerance, $"max abs {MaxAbs(expected, mono)} > {tolerance}");
    }

    [Fact]
    public void MixToMono_WrongDestinationLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => AudioKernels.MixToMono(new float[8], 2, new float[3]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(112_000)]
    public void Rms_RandomSignal_EqualsNaiveDoubleWithinRelativeTolerance(int length)
    {
        float[] samples = SignalAnalysis.Noise(length, seed: length, amplitude: 0.7);

        double rms = AudioKernels.Rms(samples);

        double expected = NaiveAudioKernels.Rms(samples);
        Assert.True(Math.Abs(rms - expected) <= Tolerances.AudioStatisticRelative * expected, $"rms {rms} vs naive {expected} (relative tolerance {Tolerances.AudioStatisticRelative})");
    }

    [Theory]
    [InlineData(1600, 0.0)]
    [InlineData(48_000, 0.2)]
    [InlineData(112_000, -0.5)]
    public void NormalizeWav2Vec2_RandomSignalWithOffset_EqualsNaiveTwinAndPadsWithZeros(int valid, double offset)
    {
        float[] source = SignalAnalysis.Noise(valid, seed: valid, amplitude: 0.05).Select(v => v + (float)offset).ToArray();
        var destination = new float[112_000];
        destination.AsSpan().Fill(float.NaN);

        AudioKernels.NormalizeWav2Vec2(source, destination, 1e-7);

        float[] expected = NaiveAudioKernels.NormalizeWav2Vec2(source, 112_000, 1e-7);
        Assert.True(MaxAbs(expected, destination) <= Tolerances.AudioPreprocessing, $"max abs {MaxAbs(expected, destination)} > {Tolerances.AudioPreprocessing}");
    }

    [Fact]
    public void NormalizeWav2Vec2_InPlace_EqualsOutOfPlace()
    {
        float[] source = SignalAnalysis.Noise(5000, seed: 7, amplitude: 0.3);
        var outOfPlace = new float[6000];
        var inPlace = new float[6000];
        source.CopyTo(inPlace, 0);

        AudioKernels.NormalizeWav2Vec2(source, outOfPlace, 1e-7);
        AudioKernels.NormalizeWav2Vec2(inPlace.AsSpan(0, 5000), inPlace, 1e-7);

        Assert.Equal(outOfPlace, inPlace);
    }

    [Fact]
    public void NormalizeWav2Vec2_ConstantSignal_GivesZerosNotNaN()
    {
        float[] source = Enumerable.Repeat(0.25f, 100).ToArray();
        var destination = new float[128];

        AudioKernels.NormalizeWav2Vec2(source, destination, 1e-7);

        Assert.All(destination, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void IndexOfNonFinite_FindsFirstNaNOrInfinity()
    {
        float[] samples = new float[1000];
        Assert.Equal(-1, AudioKernels.IndexOfNonFinite(samples));
        Assert.Equal(-1, AudioKernels.IndexOfNonFinite([]));

        samples[700] = float.NegativeInfinity;
        samples[701] = float.NaN;
        Assert.Equal(700, AudioKernels.IndexOfNonFinite(samples));
    }

    private static float MaxAbs(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
