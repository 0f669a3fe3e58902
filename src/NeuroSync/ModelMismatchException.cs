namespace NeuroSync;

/// <summary>
/// A model set that cannot be used: a missing or unreadable file, a manifest that is not valid, or an ONNX model whose
/// inputs or outputs differ from what the manifest declares. Raised at load, before any recognition runs.
/// </summary>
public sealed class ModelMismatchException : NeuroSyncException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What does not match, naming the file, the tensor, the expected and the found value.</param>
    public ModelMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What does not match, naming the file, the tensor, the expected and the found value.</param>
    /// <param name="innerException">The underlying error.</param>
    public ModelMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
