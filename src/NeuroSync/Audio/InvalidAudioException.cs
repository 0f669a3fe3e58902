namespace NeuroSync.Audio;

/// <summary>
/// Audio that NeuroSync cannot use: a corrupt or unsupported WAV file, an empty clip, non-finite samples,
/// or parameters (sample rate, channel count) outside the supported range.
/// </summary>
public sealed class InvalidAudioException : NeuroSyncException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong with the audio, naming the expected and the found value.</param>
    public InvalidAudioException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong with the audio, naming the expected and the found value.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidAudioException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
