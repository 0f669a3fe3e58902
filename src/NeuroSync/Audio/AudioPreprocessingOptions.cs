using System.ComponentModel.DataAnnotations;

namespace NeuroSync.Audio;

/// <summary>How <see cref="AudioPreprocessor"/> turns a clip into the audio encoder's input.</summary>
/// <remarks>The defaults reproduce the original system: 16 kHz mono, the first 7 s (112 000 samples), silence below
/// an RMS of 0.015, and Wav2Vec2 normalisation with epsilon 1e-7.</remarks>
public sealed class AudioPreprocessingOptions
{
    /// <summary>Gets or sets the rate, in hertz, the audio is resampled to. Default 16 000 (what Wav2Vec2 encoders were trained on).</summary>
    [Range(AudioClip.MinSampleRate, AudioClip.MaxSampleRate)]
    public int TargetSampleRate { get; set; } = OriginalDefaults.SampleRate;

    /// <summary>Gets or sets the encoder input length in samples at <see cref="TargetSampleRate"/>: longer audio is cut,
    /// shorter audio is zero-padded. Default 112 000 (7 s at 16 kHz).</summary>
    [Range(1, AudioClip.MaxWavSamples)]
    public int MaxSamples { get; set; } = OriginalDefaults.MaxSamples;

    /// <summary>Gets or sets the silence gate: audio whose RMS over the used samples (before normalisation) is below this
    /// value is <see cref="AudioStatus.Silent"/> and the encoder input becomes all zeros. Default 0.015; 0 turns the gate off.</summary>
    [Range(0.0, 1.0)]
    public float SilenceRmsThreshold { get; set; } = OriginalDefaults.SilenceRmsThreshold;

    /// <summary>Gets or sets the epsilon added to the variance in <c>(x - mean) / sqrt(var + epsilon)</c>. Default 1e-7.</summary>
    [Range(double.Epsilon, 1.0)]
    public double NormalizationEpsilon { get; set; } = OriginalDefaults.NormalizationEpsilon;

    /// <summary>Gets or sets a value indicating whether the valid samples are normalised to zero mean and unit variance
    /// (Wav2Vec2's <c>do_normalize</c>). Default <see langword="true"/>.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether, in <see cref="RecognitionMode.Original"/>, audio that passes the RMS
    /// gate must also hold speech for the voice-activity detector (the lite set's behaviour before robust mode). Default
    /// <see langword="true"/>; <see cref="EmotionRecognizer.Create"/> sets it from whether the manifest names a detector.
    /// Robust mode always asks the detector.</summary>
    public bool VoiceActivityAfterRmsGate { get; set; } = true;

    /// <summary>Gets or sets the robust gate's floor: audio whose RMS about its mean is below this is
    /// <see cref="AudioStatus.Silent"/> without asking the voice-activity detector (digital silence, a muted input).
    /// Above it the detector decides, on the signal brought to a fixed level, so quiet speech counts as voice. Default 1e-4
    /// (-80 dBFS; quiet speech sits near 0.002, -54 dBFS). Not used in <see cref="RecognitionMode.Original"/>.</summary>
    [Range(0.0, 1.0)]
    public float SilenceFloorRms { get; set; } = OriginalDefaults.SilenceFloorRms;

    /// <summary>Checks every value and throws with the property name, the allowed range and the value found.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public void Validate()
    {
        if (TargetSampleRate is < AudioClip.MinSampleRate or > AudioClip.MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetSampleRate),
                TargetSampleRate,
                $"AudioPreprocessingOptions.TargetSampleRate: expected {AudioClip.MinSampleRate} to {AudioClip.MaxSampleRate} Hz, found {TargetSampleRate}. Wav2Vec2 encoders expect 16000.");
        }

        if (MaxSamples is < 1 or > AudioClip.MaxWavSamples)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSamples),
                MaxSamples,
                $"AudioPreprocessingOptions.MaxSamples: expected 1 to {AudioClip.MaxWavSamples}, found {MaxSamples}. Use the encoder's input length (112000 = 7 s at 16 kHz for the default model).");
        }

        if (!float.IsFinite(SilenceRmsThreshold) || SilenceRmsThreshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(SilenceRmsThreshold),
                SilenceRmsThreshold,
                $"AudioPreprocessingOptions.SilenceRmsThreshold: expected 0 to 1 (0 turns the gate off), found {SilenceRmsThreshold}. The original uses 0.015.");
        }

        if (!float.IsFinite(SilenceFloorRms) || SilenceFloorRms is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(SilenceFloorRms),
                SilenceFloorRms,
                $"AudioPreprocessingOptions.SilenceFloorRms: expected 0 to 1, found {SilenceFloorRms}. The default 1e-4 only rules out digital silence; the voice-activity detector decides above it.");
        }

        if (!double.IsFinite(NormalizationEpsilon) || NormalizationEpsilon is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(NormalizationEpsilon),
                NormalizationEpsilon,
                $"AudioPreprocessingOptions.NormalizationEpsilon: expected a value above 0 and at most 1 (it keeps constant audio from dividing by zero), found {NormalizationEpsilon}. The original uses 1e-7.");
        }
    }

    /// <summary>Creates an independent copy.</summary>
    /// <returns>A new instance with the same values.</returns>
    public AudioPreprocessingOptions Clone() => (AudioPreprocessingOptions)MemberwiseClone();
}
