namespace NeuroSync;

/// <summary>
/// The base of every error NeuroSync raises on purpose: bad input, a model set that does not match its manifest,
/// or a pipeline that cannot run. Catch this type to handle all of them.
/// </summary>
/// <remarks>Messages follow the pattern "&lt;input&gt;: expected &lt;X&gt;, found &lt;Y&gt;" so they can be shown to a developer as they are.</remarks>
public class NeuroSyncException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    public NeuroSyncException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The underlying error.</param>
    public NeuroSyncException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
