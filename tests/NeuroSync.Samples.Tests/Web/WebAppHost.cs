using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>
/// The web sample on a real Kestrel socket (loopback, a free port), as a browser or script reaches it, running the tiny
/// model set: its random weights make every clip's scores differ, which the API tests need to tell clips apart.
/// </summary>
public class WebAppHost : IAsyncLifetime
{
    private readonly string[] _args;
    private readonly Action<WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    public WebAppHost()
        : this([$"--NeuroSync:ModelPath={Assets.TinyModels}"])
    {
    }

    internal WebAppHost(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        _args = args;
        _configure = configure;
    }

    internal InMemoryLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the app's services (the live tests read the session registry).</summary>
    internal IServiceProvider Services => _app!.Services;

    /// <summary>Gets the address of the live WebSocket.</summary>
    public Uri LiveAddress => new($"ws://{BaseAddress.Authority}/api/live");

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync()
    {
        _app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:0", .. _args], builder =>
        {
            builder.Logging.AddProvider(Logs);
            _configure?.Invoke(builder);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The web sample as a user starts it: the default (lite, real pretrained) model set.</summary>
public sealed class DefaultWebAppHost : WebAppHost
{
    public DefaultWebAppHost()
        : base([])
    {
    }
}

/// <summary>The web sample with the default (lite) model set and at most 10 live sessions, for the live API tests.</summary>
public sealed class LiveWebAppHost : WebAppHost
{
    /// <summary>The session limit the tests set.</summary>
    public const int MaxSessions = 10;

    public LiveWebAppHost()
        : base([$"--Live:MaxSessions={MaxSessions}"])
    {
    }
}
