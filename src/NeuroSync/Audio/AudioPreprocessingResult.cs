namespace NeuroSync.Audio;

/// <summary>What <see cref="AudioPreprocessor.Preprocess(AudioClip, Span{float}, RecognitionMode, CancellationToken)"/> found while it filled the encoder input.</summary>
/// <param name="Status"><see cref="AudioStatus.Available"/>; <see cref="AudioStatus.Silent"/> when <paramref name="Rms"/> is below
/// the silence gate; <see cref="AudioStatus.NoSpeech"/> when it passes the gate but the voice-activity detector finds no speech
/// (the encoder input is then all zeros).</param>
/// <param name="Rms">The root mean square of the valid mono samples at the target rate, before normalisation.</param>
/// <param name="ValidSamples">How many leading samples of the encoder input come from the clip; the rest is zero padding.</param>
/// <param name="SourceSampleRate">The clip's own sample rate, in hertz.</param>
public readonly record struct AudioPreprocessingResult(AudioStatus Status, float Rms, int ValidSamples, int SourceSampleRate)
{
    /// <summary>Gets a value indicating whether the audio fell below the silence gate.</summary>
    public bool IsSilent => Status == AudioStatus.Silent;

    /// <summary>Gets what the voice-activity detector found, or <see langword="null"/> when none ran (no detector, or silent audio).</summary>
    public VoiceActivity? VoiceActivity { get; init; }
}
