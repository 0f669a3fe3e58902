using Microsoft.Extensions.Options;
using NeuroSync.DependencyInjection;
using NeuroSync.Web.Live;

namespace NeuroSync.Web;

/// <summary>Builds the web sample: the page, <c>POST /api/predict</c>, the live WebSocket <c>/api/live</c> and
/// <c>GET /api/info</c>, on NeuroSync through <c>AddNeuroSync</c>.</summary>
public static class NeuroSyncWebApp
{
    /// <summary>The address the app listens on when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The model set used when <c>NeuroSync:ModelPath</c> is not configured, relative to the program's folder: the
    /// real pretrained lite set (BlazeFace, FER expression classifier, Silero voice activity).</summary>
    public const string DefaultModelFolder = "models/lite";

    /// <summary>The page sends every n-th camera frame: the original sampled every 10th frame of the clip.</summary>
    public const int CaptureFrameStride = 10;

    /// <summary>How long the page records, in seconds (the original's "Start Analysis (5s)").</summary>
    public const int RecordSeconds = 5;

    /// <summary>Creates the app, ready to run.</summary>
    /// <param name="args">Command-line arguments: <c>--urls</c>, <c>--NeuroSync:ModelPath=...</c>, <c>--Upload:MaxRequestBytes=...</c>,
    /// <c>--Live:MaxSessions=...</c>, ...</param>
    /// <param name="configure">Changes to the builder before the app is built (tests use it to add loggers or replace parts).</param>
    /// <returns>The app.</returns>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The page and the default models are copied next to the program, so the content root is the program's folder,
        // whatever the working folder (dotnet run, a published folder, a test host).
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = "wwwroot",
        });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddOptions<UploadLimits>()
            .Bind(builder.Configuration.GetSection(UploadLimits.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<UploadLimits>, UploadLimitsValidator>();
        builder.Services.AddSingleton<ClipUploadReader>();
        builder.Services.AddSingleton<PredictEndpoint>();
        builder.Services.AddOptions<LiveOptions>()
            .Bind(builder.Configuration.GetSection(LiveOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LiveOptions>, LiveOptionsValidator>();
        builder.Services.AddSingleton<LiveSessionRegistry>();
        builder.Services.AddSingleton<LiveEndpoint>();

        builder.Services.AddNeuroSync(builder.Configuration.GetSection(NeuroSyncOptions.SectionName))
            .UseLogging()
            .UseOpenTelemetry();
        builder.Services.PostConfigure<NeuroSyncOptions>(options =>
        {
            options.ModelPath = Path.GetFullPath(options.ModelPath ?? Path.Combine(AppContext.BaseDirectory, DefaultModelFolder));

            // The page samples the camera itself (every CaptureFrameStride-th frame), so every received frame is a
            // sampled one.
            options.Video.FrameStride ??= 1;
        });

        configure?.Invoke(builder);

        WebApplication app = builder.Build();

        // Load the models now, not on the first request: a wrong model path, a mismatched file or a required GPU that is
        // missing stops the app at start-up with the reason, instead of failing every request.
        _ = app.Services.GetRequiredService<IEmotionRecognizer>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Logs the exception (ExceptionHandlerMiddleware does) and answers with the same JSON shape as every other error.
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = context => PredictEndpoint.Error(StatusCodes.Status500InternalServerError, PredictEndpoint.ServerErrorMessage, null).ExecuteAsync(context),
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets();
        app.MapPost("/api/predict", (HttpContext context, PredictEndpoint endpoint) => endpoint.HandleAsync(context));
        app.Map(LiveEndpoint.Path, (HttpContext context, LiveEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapGet("/api/info", (IEmotionRecognizer recognizer) => Results.Json(
            Info(recognizer),
            WebJsonContext.Default.InfoResponse));
        return app;
    }

    private static InfoResponse Info(IEmotionRecognizer recognizer)
    {
        var metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata
            ?? throw new InvalidOperationException("The recognizer answers no EmotionRecognizerMetadata.");
        return new InfoResponse(metadata.ModelSetName, metadata.Description, metadata.Labels, CaptureFrameStride, RecordSeconds);
    }
}
