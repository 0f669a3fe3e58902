using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web;
using NeuroSync.Web.Live;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>The live mode's options, origin rule, rate rule and protocol parsing, without a socket.</summary>
public sealed class LiveOptionsTests
{
    [Theory]
    [InlineData("--Live:MaxSessions=0", "Live:MaxSessions: expected 1 or more, found 0.")]
    [InlineData("--Live:Hop=00:00:00.050", "Live:Hop: expected 100 ms to 60 s, found 00:00:00.0500000.")]
    [InlineData("--Live:MaxMessageBytes=100", "Live:MaxMessageBytes: expected 1024 to 67108864, found 100.")]
    [InlineData("--Live:AllowedOrigins:0=https://example.com/path", "Live:AllowedOrigins:0: expected '*' or an origin such as")]
    [InlineData("--Live:PageFramesPerSecond=30", "Live:PageFramesPerSecond: expected 1 to MaxFramesPerSecond (10), found 30.")]
    public async Task InvalidLiveOption_StopsStartUpNamingTheKey(string argument, string message)
    {
        await using WebApplication app = NeuroSyncWebApp.Create(["--urls", "http://127.0.0.1:0", $"--NeuroSync:ModelPath={Assets.TinyModels}", argument]);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreBoundFromConfiguration()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Live:MaxSessions"] = "3",
            ["Live:AllowedOrigins:0"] = "https://example.com",
            ["Live:AllowedOrigins:1"] = "http://localhost:3000",
            ["Live:Hop"] = "00:00:00.500",
            ["Live:IdleTimeout"] = "00:00:30",
        }).Build();
        var options = new LiveOptions();

        configuration.GetSection(LiveOptions.SectionName).Bind(options);

        Assert.Equal(3, options.MaxSessions);
        Assert.Equal(["https://example.com", "http://localhost:3000"], options.AllowedOrigins);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Hop);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.1:5081", false)]
    [InlineData("https://127.0.0.1:5080", false)]
    [InlineData("http://LOCALHOST:5080", false)]
    [InlineData("https://example.com", true)]
    [InlineData("https://example.com:443", true)]
    [InlineData("https://example.com:8443", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("null", false)]
    [InlineData("https://example.com/page", false)]
    public void Origin_IsTheServersOwnOrListed(string origin, bool allowed)
    {
        var options = new LiveOptions { AllowedOrigins = { "https://Example.com" } };

        Assert.Equal(allowed, LiveOriginPolicy.IsAllowed(origin, "http", new HostString("127.0.0.1:5080"), options));
    }

    [Fact]
    public void Origin_MissingOrAny_FollowsTheOptions()
    {
        var options = new LiveOptions();
        Assert.True(LiveOriginPolicy.IsAllowed(null, "http", new HostString("localhost:5080"), options));
        Assert.True(LiveOriginPolicy.IsAllowed("http://localhost:5080", "http", new HostString("localhost:5080"), options));
        Assert.True(LiveOriginPolicy.IsAllowed("http://localhost", "http", new HostString("localhost:80"), options));

        options.AllowMissingOrigin = false;
        Assert.False(LiveOriginPolicy.IsAllowed(null, "http", new HostString("localhost:5080"), options));

        options.AllowedOrigins.Add("*");
        Assert.True(LiveOriginPolicy.IsAllowed("https://anywhere.example", "http", new HostString("localhost:5080"), options));
    }

    [Fact]
    public void FrameRateGate_TakesTheRateWithABurst_NothingAheadOfTheClockOrBackwards()
    {
        var gate = new FrameRateGate(framesPerSecond: 10, maxLeadMilliseconds: 2000);

        // 8 fps with jitter (a late tick, then an early one) all pass.
        long[] ticks = [0, 125, 250, 410, 500, 625, 750];
        Assert.All(ticks, t => Assert.True(gate.TryTake(t, serverElapsedMilliseconds: t)));

        // 100 fps: after the burst, one frame in ten.
        int taken = Enumerable.Range(1, 50).Count(i => gate.TryTake(750 + (i * 10), 2000));
        Assert.InRange(taken, 5, 7);

        Assert.False(gate.TryTake(1000, 2000)); // before the previous frame
        Assert.False(gate.TryTake(10_000, serverElapsedMilliseconds: 7000)); // 3 s ahead of the server's clock
        Assert.True(gate.TryTake(9_000, serverElapsedMilliseconds: 7000));
    }

    [Fact]
    public void CloseReason_IsCutToWhatACloseFrameCarries()
    {
        string reason = LiveProtocol.CloseReason($"malformed JPEG: {new string('x', 300)}");

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(reason) <= 123);
        Assert.EndsWith("...", reason, StringComparison.Ordinal);
        Assert.Equal("short", LiveProtocol.CloseReason("short"));
    }
}
