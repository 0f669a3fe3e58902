using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.Web.Live;

/// <summary><c>/api/live</c>: the WebSocket handshake (origin, session limit) and then one <see cref="LiveConnection"/>
/// per socket.</summary>
/// <remarks>Thread-safe: one instance serves every handshake.</remarks>
internal sealed partial class LiveEndpoint
{
    /// <summary>The endpoint's path.</summary>
    public const string Path = "/api/live";

    /// <summary>The seconds a refused client is asked to wait (<c>Retry-After</c>) when every session is taken.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly LiveSessionRegistry _registry;
    private readonly IEmotionRecognizer _recognizer;
    private readonly IFaceDetector? _faceDetector;
    private readonly FrameLoader _frameLoader;
    private readonly LiveOptions _options;
    private readonly LiveReadyMessage _ready;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<LiveEndpoint> _logger;
    private readonly ILogger<LiveConnection> _connectionLogger;

    /// <summary>Creates the endpoint.</summary>
    /// <param name="registry">The session limit and the running sessions.</param>
    /// <param name="recognizer">The recognizer every session's stream runs on.</param>
    /// <param name="options">The live options.</param>
    /// <param name="lifetime">Tells the sessions when the server stops.</param>
    /// <param name="logger">Where refusals are logged.</param>
    /// <param name="connectionLogger">Where sessions log.</param>
    public LiveEndpoint(
        LiveSessionRegistry registry,
        IEmotionRecognizer recognizer,
        IOptions<LiveOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<LiveEndpoint> logger,
        ILogger<LiveConnection> connectionLogger)
    {
        _registry = registry;
        _recognizer = recognizer;
        _options = options.Value;
        _lifetime = lifetime;
        _logger = logger;
        _connectionLogger = connectionLogger;
        _frameLoader = new FrameLoader(_options.MaxFramePixels, memoryLimitMegabytes: 64);

        var metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata
            ?? throw new InvalidOperationException("The recognizer answers no EmotionRecognizerMetadata.");
        // A stream that analyses every frame tells each face itself; only a sampling one needs a second search per frame.
        _faceDetector = metadata.FrameStride > 1 ? recognizer.GetService(typeof(IFaceDetector)) as IFaceDetector : null;
        TimeSpan window = _options.Window
            ?? (recognizer.GetService(typeof(AudioPreprocessor)) is AudioPreprocessor audio
                ? TimeSpan.FromSeconds((double)audio.MaxSamples / audio.TargetSampleRate)
                : TimeSpan.Zero);
        _ready = new LiveReadyMessage(
            "ready",
            0,
            metadata.ModelSetName,
            metadata.Labels,
            _options.Hop.TotalMilliseconds,
            window.TotalMilliseconds,
            LiveOptions.SampleRate,
            _options.PageFramesPerSecond,
            _options.MaxFramesPerSecond,
            _options.MaxMessageBytes,
            _options.MaxAudioChunkMilliseconds,
            "perFrame");
    }

    /// <summary>Handles a request to <see cref="Path"/>.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the socket is closed, or the refusal written.</returns>
    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "Not a WebSocket handshake",
                $"expected a WebSocket handshake ('Upgrade: websocket'), found {request.Method} without one; {Path} speaks the live protocol only (samples/README.md).");
            return;
        }

        string? origin = request.Headers.Origin;
        if (!LiveOriginPolicy.IsAllowed(origin, request.Scheme, request.Host, _options))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
                $"expected a page of this server ({request.Scheme}://{request.Host}) or an origin in {LiveOptions.SectionName}:{nameof(LiveOptions.AllowedOrigins)}, found '{origin ?? "no Origin header"}'.");
            return;
        }

        if (!_registry.TryReserve())
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Too many live sessions",
                $"expected at most {_options.MaxSessions} live sessions at once ({LiveOptions.SectionName}:{nameof(LiveOptions.MaxSessions)}), and all are taken; try again in {RetryAfterSeconds} s.");
            return;
        }

        LiveConnection? connection = null;
        try
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            using var live = new LiveConnection(_registry.NextId(), socket, _recognizer, _faceDetector, _frameLoader, _options, _ready, _connectionLogger);
            connection = live;
            _registry.Add(live);
            await live.RunAsync(_lifetime.ApplicationStopping);
        }
        finally
        {
            _registry.Release(connection);
        }
    }

    private async Task RefuseAsync(HttpContext context, int statusCode, string title, string detail)
    {
        LogRefused(_logger, statusCode, detail);
        await Results.Problem(detail: detail, statusCode: statusCode, title: title, instance: Path).ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Refused a live handshake with {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int statusCode, string reason);
}
