namespace NeuroSync.Audio;

/// <summary>Settings of <see cref="SileroVoiceActivity"/>; the defaults are Silero's own (<c>get_speech_timestamps</c>).</summary>
public sealed class SileroVoiceActivityOptions
{
    /// <summary>Gets or sets the speech probability at or above which a 32 ms window counts as speech. Default 0.5.</summary>
    public float Threshold { get; set; } = 0.5f;

    /// <summary>Gets or sets how much speech a clip needs to count as speech. Default 250 ms.</summary>
    public TimeSpan MinSpeechDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the range and the value.</exception>
    public void Validate()
    {
        if (!(Threshold is > 0f and < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"SileroVoiceActivityOptions.Threshold: expected a probability strictly between 0 and 1, found {Threshold}.");
        }

        if (MinSpeechDuration < TimeSpan.Zero || MinSpeechDuration > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MinSpeechDuration), MinSpeechDuration, $"SileroVoiceActivityOptions.MinSpeechDuration: expected 0 to 10 minutes, found {MinSpeechDuration}.");
        }
    }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public SileroVoiceActivityOptions Clone() => (SileroVoiceActivityOptions)MemberwiseClone();
}
