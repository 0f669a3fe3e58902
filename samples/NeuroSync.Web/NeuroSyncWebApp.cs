using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NeuroSync.DependencyInjection;
using NeuroSync.Web.Live;
using OpenTelemetry.Resources;

namespace NeuroSync.Web;

/// <summary>Builds the web sample: the page, <c>POST /api/predict</c>, the live WebSocket <c>/api/live</c>,
/// <c>GET /api/info</c> and <c>GET /healthz</c>, on NeuroSync through <c>AddNeuroSync</c>; errors are RFC 9457 problem
/// details, and OpenTelemetry is one configuration switch away (<see cref="OpenTelemetryEnabledKey"/>).</summary>
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

    /// <summary>The health endpoint's path.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>The configuration key that turns on OpenTelemetry metrics and traces (<c>false</c> by default).</summary>
    public const string OpenTelemetryEnabledKey = "OpenTelemetry:Enabled";

    /// <summary>The name of NeuroSync's <see cref="System.Diagnostics.Metrics.Meter"/> and
    /// <see cref="System.Diagnostics.ActivitySource"/> (docs/observability.md).</summary>
    public const string NeuroSyncTelemetryName = "NeuroSync";

    /// <summary>The service name OpenTelemetry reports (<c>service.name</c>).</summary>
    public const string ServiceName = "NeuroSync.Web";

    /// <summary>The rate-limiting policy of <c>/api/predict</c>: at most <see cref="UploadLimits.MaxConcurrentRequests"/> at
    /// once, <see cref="UploadLimits.MaxQueuedRequests"/> waiting, the rest refused with 429.</summary>
    private const string PredictRateLimitPolicy = "predict";

    /// <summary>Creates the app, ready to run.</summary>
    /// <param name="args">Command-line arguments: <c>--urls</c>, <c>--NeuroSync:ModelPath=...</c>, <c>--Upload:MaxRequestBytes=...</c>,
    /// <c>--Live:MaxSessions=...</c>, <c>--OpenTelemetry:Enabled=true</c>, ...</param>
    /// <param name="configure">Changes to the builder before the app is built (tests use it to add loggers or replace parts;
    /// an OpenTelemetry exporter can be added here, docs/observability.md).</param>
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
        builder.Services.AddRateLimiter(options =>
        {
            // One queue for the whole endpoint: what it bounds is the server's memory and cores, not a client's share.
            options.AddPolicy(PredictRateLimitPolicy, context =>
            {
                UploadLimits limits = context.RequestServices.GetRequiredService<IOptions<UploadLimits>>().Value;
                return RateLimitPartition.GetConcurrencyLimiter(PredictRateLimitPolicy, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.MaxConcurrentRequests,
                    QueueLimit = limits.MaxQueuedRequests,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            options.OnRejected = (context, _) => new ValueTask(ApiProblems.Upload(
                StatusCodes.Status429TooManyRequests,
                "The server is analysing as many clips as it allows and its queue is full; try again in a few seconds.",
                null).ExecuteAsync(context.HttpContext));
        });
        builder.Services.AddSingleton<PredictEndpoint>();
        builder.Services.AddOptions<LiveOptions>()
            .Bind(builder.Configuration.GetSection(LiveOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LiveOptions>, LiveOptionsValidator>();
        builder.Services.AddSingleton<LiveSessionRegistry>();
        builder.Services.AddSingleton<LiveEndpoint>();

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<ModelSetStatus>();
        builder.Services.AddHealthChecks().AddCheck<ModelSetHealthCheck>(ModelSetHealthCheck.Name);

        builder.Services.AddNeuroSync(builder.Configuration.GetSection(NeuroSyncOptions.SectionName))
            .UseLogging()
            .UseOpenTelemetry();
        if (builder.Configuration.GetValue<bool>(OpenTelemetryEnabledKey))
        {
            // NeuroSync's spans and metrics, and ASP.NET Core's own (the request span is the recognition's parent). No
            // exporter: add one (OTLP, Prometheus, console) with services.ConfigureOpenTelemetry{Meter,Tracer}Provider.
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService(ServiceName))
                .WithMetrics(metrics => metrics.AddMeter(NeuroSyncTelemetryName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"))
                .WithTracing(tracing => tracing.AddSource(NeuroSyncTelemetryName, "Microsoft.AspNetCore"));
        }

        builder.Services.PostConfigure<NeuroSyncOptions>(options =>
        {
            options.ModelPath = Path.GetFullPath(options.ModelPath ?? Path.Combine(AppContext.BaseDirectory, DefaultModelFolder));

            // The page samples the camera itself (every CaptureFrameStride-th frame), so every received frame is a
            // sampled one.
            options.Video.FrameStride ??= 1;
        });

        configure?.Invoke(builder);
        ModelTolerantStartupValidator.Decorate(builder.Services);

        WebApplication app = builder.Build();

        // Load the models now, not on the first request. A wrong model path, a mismatched file or a required GPU that is
        // missing is logged (Critical) with the reason and reported by /healthz (Unhealthy, 503), and every /api request
        // gets 503, instead of the host stopping: an orchestrator's probe sees why, and the process stays inspectable.
        ModelSetStatus models = app.Services.GetRequiredService<ModelSetStatus>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Logs the exception (ExceptionHandlerMiddleware does) and answers with a problem like every other error.
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = context => ApiProblems.Upload(StatusCodes.Status500InternalServerError, ApiProblems.ServerErrorDetail, null).ExecuteAsync(context),
        });

        // Bodiless error statuses (404, 405) get a problem too (AddProblemDetails makes UseStatusCodePages write one).
        app.UseStatusCodePages();
        if (models.Failure is not null)
        {
            app.Use((context, next) => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                ? ApiProblems.ModelSetUnavailable(context.Request.Path).ExecuteAsync(context)
                : next(context));
        }

        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets();
        app.UseRateLimiter();
        app.MapPost("/api/predict", (HttpContext context, PredictEndpoint endpoint) => endpoint.HandleAsync(context))
            .RequireRateLimiting(PredictRateLimitPolicy);
        app.Map(LiveEndpoint.Path, (HttpContext context, LiveEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapGet("/api/info", (IEmotionRecognizer recognizer) => Results.Json(
            Info(recognizer),
            WebJsonContext.Default.InfoResponse));
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        HealthCheckResponse[] checks = [.. report.Entries.Select(e => new HealthCheckResponse(e.Key, e.Value.Status.ToString(), e.Value.Description))];
        return context.Response.WriteAsJsonAsync(new HealthResponse(report.Status.ToString(), checks), WebJsonContext.Default.HealthResponse, cancellationToken: context.RequestAborted);
    }

    private static InfoResponse Info(IEmotionRecognizer recognizer)
    {
        var metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata
            ?? throw new InvalidOperationException("The recognizer answers no EmotionRecognizerMetadata.");
        return new InfoResponse(metadata.ModelSetName, metadata.Description, metadata.Labels, CaptureFrameStride, RecordSeconds);
    }
}
