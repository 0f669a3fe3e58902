namespace NeuroSync.Web;

/// <summary>A request to <c>/api/predict</c> that the server refuses, with the HTTP status and the form field at fault.</summary>
internal sealed class UploadRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status to answer with (400, 413, 415 or 422).</param>
    /// <param name="field">The form field at fault, or <see langword="null"/> when the request as a whole is.</param>
    /// <param name="message">What is wrong, for the client.</param>
    /// <param name="innerException">The cause, if any; a NeuroSync exception's message is passed on to the client.</param>
    public UploadRejectedException(int statusCode, string? field, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Field = field;
    }

    /// <summary>Gets the HTTP status to answer with.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the form field at fault, or <see langword="null"/>.</summary>
    public string? Field { get; }
}
