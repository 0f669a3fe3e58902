using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>The web sample on a real Kestrel socket (loopback, a free port), as a browser or script reaches it.</summary>
public sealed class WebAppHost : IAsyncLifetime
{
    private readonly Action<WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    public WebAppHost()
        : this(null)
    {
    }

    internal WebAppHost(Action<WebApplicationBuilder>? configure) => _configure = configure;

    internal InMemoryLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync()
    {
        _app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.AddProvider(Logs);
            _configure?.Invoke(builder);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
