namespace NeuroSync.Evaluation;

/// <summary>
/// A labelled data set that cannot be scored: a <c>labels.csv</c> without its <c>file</c> or <c>label</c> column, a malformed
/// row, or a gold label that is not one of the labels being scored.
/// </summary>
/// <remarks>The message names the file, the line and the value at fault, in the form "&lt;input&gt;: expected &lt;X&gt;, found &lt;Y&gt;".</remarks>
public sealed class InvalidDataSetException : NeuroSyncException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong with the data set, naming the expected and the found value.</param>
    public InvalidDataSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong with the data set, naming the expected and the found value.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidDataSetException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
