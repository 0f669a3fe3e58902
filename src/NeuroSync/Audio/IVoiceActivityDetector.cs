namespace NeuroSync.Audio;

/// <summary>Decides whether a mono signal contains speech: the audio availability probe behind the RMS silence gate.</summary>
/// <remarks>Implementations are thread-safe and never write the caller's samples. <see cref="AudioPreprocessor"/> calls it
/// on the mono signal at <see cref="SampleRate"/>, before normalisation, when the signal has passed the RMS gate.</remarks>
public interface IVoiceActivityDetector
{
    /// <summary>Gets the only sample rate, in hertz, the detector accepts.</summary>
    int SampleRate { get; }

    /// <summary>Looks for speech in a signal.</summary>
    /// <param name="samples">Mono samples at <see cref="SampleRate"/>, nominally in [-1, 1].</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>Whether speech is present, how much, and the highest speech probability seen.</returns>
    VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default);
}
