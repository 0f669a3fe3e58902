namespace NeuroSync.Vision;

/// <summary>
/// An image or frame that NeuroSync cannot use: an unknown or corrupt format, dimensions over the configured limit,
/// or a decode that would need more memory than allowed.
/// </summary>
public sealed class InvalidImageException : NeuroSyncException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong with the image, naming the expected and the found value.</param>
    public InvalidImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong with the image, naming the expected and the found value.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
