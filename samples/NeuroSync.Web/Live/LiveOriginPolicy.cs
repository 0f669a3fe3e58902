namespace NeuroSync.Web.Live;

/// <summary>Decides whether a live handshake's <c>Origin</c> may open a socket: the server's own origin always may, the
/// configured <see cref="LiveOptions.AllowedOrigins"/> too, and a handshake without an origin when
/// <see cref="LiveOptions.AllowMissingOrigin"/> is set.</summary>
/// <remarks>Browsers send the page's origin with every WebSocket handshake and, unlike <c>fetch</c>, apply no same-origin
/// rule to WebSockets themselves: without this check any web site a user visits could open a live session on the user's
/// camera stream (cross-site WebSocket hijacking). Behind a reverse proxy that rewrites <c>Host</c>, list the public origin.</remarks>
internal static class LiveOriginPolicy
{
    /// <summary>The allow-list entry that allows every origin.</summary>
    public const string AnyOrigin = "*";

    /// <summary>Decides whether a handshake may go on.</summary>
    /// <param name="origin">The <c>Origin</c> header, or <see langword="null"/> when absent.</param>
    /// <param name="requestScheme">The request's scheme (<c>http</c> or <c>https</c>).</param>
    /// <param name="requestHost">The request's <c>Host</c>.</param>
    /// <param name="options">The allow-list.</param>
    /// <returns><see langword="true"/> when the origin may connect.</returns>
    public static bool IsAllowed(string? origin, string requestScheme, HostString requestHost, LiveOptions options)
    {
        if (string.IsNullOrEmpty(origin))
        {
            return options.AllowMissingOrigin;
        }

        if (options.AllowedOrigins.Contains(AnyOrigin))
        {
            return true;
        }

        if (Normalise(origin) is not { } normalised)
        {
            return false;
        }

        if (requestHost.HasValue && Normalise($"{requestScheme}://{requestHost.Value}") is { } own && own == normalised)
        {
            return true;
        }

        return options.AllowedOrigins.Any(allowed => Normalise(allowed) == normalised);
    }

    /// <summary>Brings an origin to one spelling: lower-case scheme and host, the port always written.</summary>
    /// <param name="origin">An origin such as <c>https://Example.com</c>.</param>
    /// <returns><c>https://example.com:443</c>, or <see langword="null"/> when it is not an http(s) origin (a path, query
    /// or user name makes it none).</returns>
    public static string? Normalise(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || origin.EndsWith('/') || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}";
    }
}
