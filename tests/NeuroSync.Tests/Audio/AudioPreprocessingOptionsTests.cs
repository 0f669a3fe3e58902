using NeuroSync.Audio;

namespace NeuroSync.Tests.Audio;

public sealed class AudioPreprocessingOptionsTests
{
    [Fact]
    public void Defaults_ReproduceOriginalSystem()
    {
        var options = new AudioPreprocessingOptions();

        Assert.Equal(16_000, options.TargetSampleRate);
        Assert.Equal(112_000, options.MaxSamples);
        Assert.Equal(0.015f, options.SilenceRmsThreshold);
        Assert.Equal(1e-7, options.NormalizationEpsilon);
        Assert.True(options.Normalize);
        options.Validate();
    }

    [Theory]
    [InlineData(nameof(AudioPreprocessingOptions.TargetSampleRate), 999.0)]
    [InlineData(nameof(AudioPreprocessingOptions.TargetSampleRate), 768_001.0)]
    [InlineData(nameof(AudioPreprocessingOptions.MaxSamples), 0.0)]
    [InlineData(nameof(AudioPreprocessingOptions.MaxSamples), -5.0)]
    [InlineData(nameof(AudioPreprocessingOptions.SilenceRmsThreshold), -0.1)]
    [InlineData(nameof(AudioPreprocessingOptions.SilenceRmsThreshold), 1.5)]
    [InlineData(nameof(AudioPreprocessingOptions.SilenceRmsThreshold), double.NaN)]
    [InlineData(nameof(AudioPreprocessingOptions.NormalizationEpsilon), 0.0)]
    [InlineData(nameof(AudioPreprocessingOptions.NormalizationEpsilon), double.PositiveInfinity)]
    public void Validate_ValueOutOfRange_ThrowsNamingPropertyRangeAndValue(string property, double value)
    {
        var options = new AudioPreprocessingOptions();
        switch (property)
        {
            case nameof(AudioPreprocessingOptions.TargetSampleRate): options.TargetSampleRate = (int)value; break;
            case nameof(AudioPreprocessingOptions.MaxSamples): options.MaxSamples = (int)value; break;
            case nameof(AudioPreprocessingOptions.SilenceRmsThreshold): options.SilenceRmsThreshold = (float)value; break;
            default: options.NormalizationEpsilon = value; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(property, error.ParamName);
        Assert.Contains($"AudioPreprocessingOptions.{property}: expected", error.Message, StringComparison.Ordinal);
        Assert.Contains("found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_ThenChangeCopy_LeavesOriginalUnchanged()
    {
        var original = new AudioPreprocessingOptions { MaxSamples = 48_000, Normalize = false };

        AudioPreprocessingOptions copy = original.Clone();
        copy.MaxSamples = 1;
        copy.Normalize = true;

        Assert.NotSame(original, copy);
        Assert.Equal(48_000, original.MaxSamples);
        Assert.False(original.Normalize);
    }
}
