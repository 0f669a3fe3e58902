using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using NeuroSync.Web;

namespace NeuroSync.Samples.Tests.Web;

public sealed class HostingTests
{
    [Fact]
    public async Task WithoutUrls_ListensOnLoopbackOnly()
    {
        await using WebApplication app = NeuroSyncWebApp.Create([]);

        Assert.Equal("http://127.0.0.1:5080", app.Configuration[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public async Task Urls_AreTakenFromTheCommandLine()
    {
        await using WebApplication app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:6123"]);

        Assert.Equal("http://127.0.0.1:6123", app.Configuration[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public async Task InvalidUploadLimit_StopsStartUpNamingTheKey()
    {
        await using WebApplication app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:0", "--Upload:MaxFrames=0"]);

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Upload:MaxFrames: expected 1 or more, found 0.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUploadLimit_StopsStartUp_EvenBesideAModelSetThatFailsToLoad()
    {
        // The model set's failure is /healthz's to report; every other section's still stops the start.
        string missing = Path.Combine(Path.GetTempPath(), $"neurosync-no-models-{Guid.NewGuid():N}");
        await using WebApplication app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:0", "--Upload:MaxFrames=0", $"--NeuroSync:ModelPath={missing}"]);

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Upload:MaxFrames: expected 1 or more, found 0.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("NeuroSync:ModelPath", ex.Message, StringComparison.Ordinal);
    }
}
