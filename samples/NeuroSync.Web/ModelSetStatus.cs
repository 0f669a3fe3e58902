using Microsoft.Extensions.Options;

namespace NeuroSync.Web;

/// <summary>Whether the model set loaded: the recognizer is resolved once, at start-up, and a failure is kept (and
/// logged) instead of stopping the host, so that <c>/healthz</c> can say why and every <c>/api</c> endpoint answers 503.</summary>
/// <remarks>Thread-safe: immutable once made.</remarks>
internal sealed partial class ModelSetStatus
{
    /// <summary>Loads the model set by resolving the recognizer.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="logger">Where a failure is logged.</param>
    public ModelSetStatus(IServiceProvider services, ILogger<ModelSetStatus> logger)
    {
        try
        {
            IEmotionRecognizer recognizer = services.GetRequiredService<IEmotionRecognizer>();
            Metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata;
        }
        catch (Exception ex) when (ex is NeuroSyncException or OptionsValidationException or IOException or UnauthorizedAccessException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            // NeuroSync's own start-up checks (a ModelPath that holds no model set), a missing or unreadable file, an
            // ONNX Runtime that cannot load a model or its native library.
            Failure = ex.Message;
            LogLoadFailed(logger, ex);
        }
    }

    /// <summary>Gets why the model set failed to load, or <see langword="null"/> when it loaded.</summary>
    public string? Failure { get; }

    /// <summary>Gets the loaded set's metadata, or <see langword="null"/> when it failed to load.</summary>
    public EmotionRecognizerMetadata? Metadata { get; }

    [LoggerMessage(EventId = 40, Level = LogLevel.Critical,
        Message = "The model set failed to load; the app keeps running, /healthz reports Unhealthy and /api answers 503")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
