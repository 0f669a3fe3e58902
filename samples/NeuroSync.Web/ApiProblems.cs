namespace NeuroSync.Web;

/// <summary>The app's error answers: RFC 9457 problem details (<c>application/problem+json</c>) with <c>type</c>,
/// <c>title</c>, <c>status</c> and <c>detail</c>, plus the extension members below where they apply.</summary>
internal static class ApiProblems
{
    /// <summary>The extension member naming the form field at fault (<c>audio</c>, <c>frames</c>, another field's name),
    /// or <see langword="null"/> when the request as a whole is.</summary>
    public const string FieldMember = "field";

    /// <summary>The extension member holding NeuroSync's own message, when a NeuroSync exception (an invalid WAV or image)
    /// is why the request was refused.</summary>
    public const string NeuroSyncErrorMember = "neuroSyncError";

    /// <summary>The message a client gets for any server-side failure; the details go to the log.</summary>
    public const string ServerErrorDetail = "The server could not analyse this clip; the details are in the server's log.";

    /// <summary>A refusal of a <c>/api/predict</c> request (400, 413, 415, 422, 429) or its failure (500).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="detail">What went wrong, for the client.</param>
    /// <param name="field">The form field at fault, or <see langword="null"/>.</param>
    /// <param name="neuroSyncError">The NeuroSync exception behind the refusal, or <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Upload(int statusCode, string detail, string? field, NeuroSyncException? neuroSyncError = null)
    {
        var extensions = new Dictionary<string, object?> { [FieldMember] = field };
        if (neuroSyncError is not null)
        {
            extensions[NeuroSyncErrorMember] = neuroSyncError.Message;
        }

        return TypedResults.Problem(detail: detail, statusCode: statusCode, title: Title(statusCode), type: Type(statusCode), extensions: extensions);
    }

    /// <summary>The answer of every <c>/api</c> endpoint while the model set is not loaded (503).</summary>
    /// <param name="path">The request's path.</param>
    /// <returns>The result.</returns>
    public static IResult ModelSetUnavailable(string path) => TypedResults.Problem(
        detail: "The model set failed to load, so nothing can be analysed; GET /healthz says why, and the server's log has the details.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Model set not loaded",
        type: Type(StatusCodes.Status503ServiceUnavailable),
        instance: path);

    /// <summary>The problem's title for a status: a fixed summary, the same for every occurrence (RFC 9457 section 3.1.3).</summary>
    private static string Title(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "Invalid upload",
        StatusCodes.Status413PayloadTooLarge => "Upload too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        StatusCodes.Status422UnprocessableEntity => "Nothing to analyse",
        StatusCodes.Status429TooManyRequests => "Too many clips at once",
        StatusCodes.Status500InternalServerError => "Analysis failed",
        _ => "Request failed",
    };

    /// <summary>The problem's type: the status code's section of RFC 9110, as ASP.NET Core's own defaults give it (which
    /// have none for 413).</summary>
    private static string? Type(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status415UnsupportedMediaType => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        StatusCodes.Status422UnprocessableEntity => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status500InternalServerError => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => null,
    };
}
