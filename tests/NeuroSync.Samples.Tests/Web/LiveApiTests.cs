using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web.Live;
using Xunit.Abstractions;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>
/// <c>/api/live</c> with <see cref="ClientWebSocket"/> clients on loopback against the app on a real Kestrel socket, with
/// the lite model set the sample uses by default: sessions side by side, the session limit, garbage, origins, the rate
/// rule. Every wait is generous and nothing asserts speed: on a loaded machine the updates come later, not fewer.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class LiveApiTests(LiveWebAppHost host, ITestOutputHelper output) : IClassFixture<LiveWebAppHost>
{
    /// <summary>What may stay allocated after ten sessions have come and gone, over a baseline taken after a first round
    /// of ten. Nothing of a session should stay (that no stream object survives is checked exactly, with weak references),
    /// but the pools do: <c>ArrayPool.Shared</c>, which ImageSharp's decoder and the runtime use, keeps on every thread one
    /// array of each size it handed out and up to 32 per size per core, and a loaded machine adds thread-pool threads
    /// between rounds. Measured on this 2-core machine under load: 3 to 8 MB after the second round, once 21 MB when ten
    /// threads were added between the rounds; further rounds add under 2 MB each, so the pools level off. 32 MB allows
    /// for that; the round allocates about 40 MB of managed memory (every JPEG, chunk and message, client and server) plus
    /// every decoded frame in ImageSharp's unmanaged pool, so keeping what passed through the sessions would show.</summary>
    private const long RetainedBytesLimit = 32L * 1024 * 1024;

    [Fact]
    public async Task TenConcurrentSessions_EachGetTheirOwnUpdates_AnEleventhIsRefused_AndAllIsReleased()
    {
        LiveSessionRegistry registry = host.Services.GetRequiredService<LiveSessionRegistry>();
        byte[] face = LiveTestClient.FaceJpeg();
        byte[] grey = LiveTestClient.GreyJpeg();

        // A first round of ten short sessions, so that what is allocated once (code, model arenas) and what the pools keep
        // for ten sessions at once (message buffers, ImageSharp's and the runtime's array pools, per thread) is in the
        // baseline: what the second round leaves on top of it is what sessions keep after they end.
        await Task.WhenAll(Enumerable.Range(0, LiveWebAppHost.MaxSessions).Select(async i =>
        {
            await using LiveTestClient warmUp = await LiveTestClient.ConnectAsync(host.LiveAddress);
            await warmUp.Ready.WaitAsync(LiveTestClient.Patience);
            await warmUp.StreamAsync(1.5, LiveTestClient.Pcm(Wav.Voice(90 + i, 16000, 2)), i % 2 == 0 ? face : grey, 500);
            await warmUp.SendEndAsync();
            await warmUp.WaitClosedAsync();
        }));

        await WaitForAsync(() => registry.Active == 0, "the warm-up sessions to be released");
        long baseline = ManagedMemory();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var clients = new LiveTestClient[LiveWebAppHost.MaxSessions];
        WeakReference[] sessions;
        try
        {
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = await LiveTestClient.ConnectAsync(host.LiveAddress);
                await clients[i].Ready.WaitAsync(LiveTestClient.Patience);
            }

            Assert.Equal(LiveWebAppHost.MaxSessions, registry.Active);

            // The eleventh is refused at the handshake, with 503, Retry-After and a problem body that says why.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await LiveTestClient.RefusedHandshakeAsync(host.LiveAddress));
            using (HttpResponseMessage refused = await HandshakeOverHttpAsync(null))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
                JsonElement problem = await ProblemAsync(refused);
                Assert.Equal(503, problem.GetProperty("status").GetInt32());
                Assert.Contains("at most 10 live sessions", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            sessions = TrackSessions(registry);
            Assert.Equal(LiveWebAppHost.MaxSessions, sessions.Length);

            // Ten sessions stream 4 s at once, in real time: 100 ms audio chunks (each its own voice) and a frame every
            // 500 ms, the astronaut for even sessions and a grey frame for odd ones, stamped t + i ms so that every face
            // box tells whose frame it was.
            await Task.WhenAll(clients.Select((c, i) => c.StreamAsync(4.0, LiveTestClient.Pcm(Wav.Voice(i, 16000, 4)), i % 2 == 0 ? face : grey, 500, frameOffsetMs: (uint)i)));
            await Task.WhenAll(clients.Select(c => c.SendEndAsync()));
            await Task.WhenAll(clients.Select(c => c.WaitClosedAsync()));

            Assert.Equal(clients.Length, clients.Select(c => c.Ready.Result.Session).Distinct().Count());
            for (int i = 0; i < clients.Length; i++)
            {
                LiveTestClient c = clients[i];
                Assert.Equal(WebSocketCloseStatus.NormalClosure, c.CloseStatus);
                Assert.Equal("end of stream", c.CloseReason);

                // Each frame's box came back to the session that sent it, and only there.
                Assert.Equal(8, c.Faces.Count);
                Assert.All(c.Faces, f => Assert.Equal(i, f.T % 500));
                Assert.All(c.Faces, f => Assert.Equal(i % 2 == 0, f.Box is not null));

                // Windows ending at 1, 2, 3 and 4 s, then the final update; the stream's faces are the session's too.
                IReadOnlyList<LiveUpdateMessage> updates = c.Updates;
                LiveUpdateMessage final = updates[^1];
                Assert.True(final.IsFinal);
                Assert.Equal(4, updates.Count(u => !u.IsFinal) + updates.Sum(u => u.SkippedUpdates));
                Assert.All(updates.Where(u => !u.IsFinal), u => Assert.Equal((u.Sequence + 1) * 1000, u.WindowEndMs));
                Assert.Equal(4000, final.WindowEndMs);
                Assert.All(updates.SelectMany(u => u.Faces), f => Assert.Equal(i, (long)f.T % 500));
                Assert.Equal(8, final.Frames.Received);
                Assert.Equal(0, final.Frames.TooFast);
                LiveUpdateMessage last = updates.Last(u => !u.IsFinal);
                if (i % 2 == 0)
                {
                    Assert.Equal("available", last.Mask.Video);
                    Assert.Equal("happy", last.Label); // the lite set's real classifier sees the smiling astronaut
                }
                else
                {
                    Assert.NotEqual("available", last.Mask.Video);
                }
            }
        }
        finally
        {
            foreach (LiveTestClient? c in clients)
            {
                if (c is not null)
                {
                    await c.DisposeAsync();
                }
            }
        }

        // Every session ended on the server: its place given back, its stream disposed and unreachable.
        await WaitForAsync(() => registry.Active == 0, "every session to be released");
        Assert.Equal(registry.Opened, registry.Closed);
        Assert.Empty(registry.Running());
        await AssertCollectedAsync(sessions);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long retained = ManagedMemory() - baseline;
        output.WriteLine($"Managed memory after the run: {retained / 1024.0 / 1024.0:F1} MB over the baseline of {baseline / 1024.0 / 1024.0:F1} MB; {allocated / 1024.0 / 1024.0:F0} MB allocated during it (client and server).");
        Assert.True(retained < RetainedBytesLimit, $"the server kept {retained} bytes more than before the ten sessions (limit {RetainedBytesLimit}).");

        // And the places came back: a new session is taken.
        await using LiveTestClient again = await LiveTestClient.ConnectAsync(host.LiveAddress);
        await again.Ready.WaitAsync(LiveTestClient.Patience);
        await again.CloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, again.CloseStatus);
    }

    [Fact]
    public async Task Garbage_ClosesOnlyItsOwnSocketWith1008_WhileAnotherSessionGoesOn()
    {
        await using LiveTestClient healthy = await LiveTestClient.ConnectAsync(host.LiveAddress);
        await healthy.Ready.WaitAsync(LiveTestClient.Patience);
        using var stop = new CancellationTokenSource();
        Task streaming = healthy.StreamAsync(600, LiveTestClient.Pcm(Wav.Voice(3, 16000, 4)), LiveTestClient.FaceJpeg(), 500, stop: stop.Token);

        byte[] brokenJpeg = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 300).Select(i => (byte)(i * 37)), 0xFF, 0xD9];
        byte[] faceJpeg = LiveTestClient.FaceJpeg();
        byte[] truncatedJpeg = faceJpeg[..(faceJpeg.Length / 2)];
        byte[] hugeJpeg = LiveTestClient.GreyJpeg(2000, 1200);
        byte[] oversized = new byte[(512 * 1024) + 1];
        oversized[0] = LiveProtocol.Frame;
        (string Kind, Func<LiveTestClient, Task> Send, string Reason)[] garbage =
        [
            ("unknown type", c => c.SendAsync([0x7F, 1, 2, 3]), "unknown message type 0x7F"),
            ("broken JPEG", c => c.SendFrameAsync(0, brokenJpeg), "malformed JPEG: "),
            ("truncated JPEG", c => c.SendFrameAsync(0, truncatedJpeg), "malformed JPEG: expected a complete file ending FF D9 (EOI)"),
            // A scan without its frame header: ImageSharp's own reading of the header fails with a null reference.
            ("JPEG without a frame header", c => c.SendFrameAsync(0, [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xFF, 0xD9]), "malformed JPEG: "),
            ("frame over the pixel limit", c => c.SendFrameAsync(0, hugeJpeg), "frame too large: expected at most 2073600 pixels, found 2000x1200"),
            ("not a JPEG", c => c.SendFrameAsync(0, File.ReadAllBytes(Assets.FacePng)), "malformed JPEG: expected a file starting FF D8 FF"),
            ("oversized message", c => c.SendAsync(oversized), "message over 524288 bytes"),
            ("wrong audio rate", c => c.SendAudioAsync(0, new short[4800], sampleRate: 48000), "wrong audio format: expected 16000 Hz mono 16-bit PCM, found 48000 Hz"),
            ("stereo audio", c => c.SendAudioAsync(0, new short[3200], channels: 2), "found 16000 Hz with 2 channel(s)"),
            ("odd audio bytes", c => c.SendAsync([LiveProtocol.Audio, 0, 0, 0, 0, 0x80, 0x3E, 0, 0, 1, 7]), "expected whole 16-bit samples"),
            ("text message", c => c.SendAsync("{\"hello\":1}"u8.ToArray(), WebSocketMessageType.Text), "expected binary messages"),
        ];

        foreach ((string kind, Func<LiveTestClient, Task> send, string reason) in garbage)
        {
            await using LiveTestClient bad = await LiveTestClient.ConnectAsync(host.LiveAddress);
            await bad.Ready.WaitAsync(LiveTestClient.Patience);
            await bad.SendAudioAsync(0, new short[1600]);
            await send(bad);
            await bad.WaitClosedAsync();
            output.WriteLine($"{kind}: {bad.CloseStatus} '{bad.CloseReason}'");
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, bad.CloseStatus);
            Assert.Contains(reason, bad.CloseReason, StringComparison.Ordinal);
        }

        // The healthy session never noticed: it goes on getting updates, and ends normally.
        int before = healthy.Updates.Count;
        await healthy.WaitForUpdatesAsync(before + 2);
        await stop.CancelAsync();
        await streaming;
        await healthy.SendEndAsync();
        await healthy.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, healthy.CloseStatus);
        Assert.True(healthy.Updates[^1].IsFinal);
        Assert.All(healthy.Updates.Where(u => !u.IsFinal), u => Assert.Equal("available", u.Mask.Video));
    }

    [Fact]
    public async Task CrossOriginHandshake_IsRefusedWith403_TheServersOwnOriginIsNot()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await LiveTestClient.RefusedHandshakeAsync(host.LiveAddress, "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await LiveTestClient.RefusedHandshakeAsync(host.LiveAddress, "null"));
        string otherPort = $"http://127.0.0.1:{host.BaseAddress.Port + 1}";
        Assert.Equal(HttpStatusCode.Forbidden, await LiveTestClient.RefusedHandshakeAsync(host.LiveAddress, otherPort));

        using (HttpResponseMessage refused = await HandshakeOverHttpAsync("http://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            JsonElement problem = await ProblemAsync(refused);
            Assert.Contains("found 'http://evil.example'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        string own = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using LiveTestClient page = await LiveTestClient.ConnectAsync(host.LiveAddress, own);
        await page.Ready.WaitAsync(LiveTestClient.Patience);
        await page.CloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, page.CloseStatus);
    }

    [Fact]
    public async Task PlainRequest_Gets400Problem()
    {
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/api/live");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement problem = await ProblemAsync(response);
        Assert.Contains("expected a WebSocket handshake", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FramesFasterThanRealTime_AreDroppedAndCounted()
    {
        await using LiveTestClient client = await LiveTestClient.ConnectAsync(host.LiveAddress);
        await client.Ready.WaitAsync(LiveTestClient.Patience);
        byte[] face = LiveTestClient.FaceJpeg();

        // Twenty frames 10 ms apart on the page's clock (100 fps, against the limit of 10 and a burst of 2), then one
        // stamped a minute ahead of the server's clock.
        for (uint j = 0; j < 20; j++)
        {
            await client.SendFrameAsync(j * 10, face);
        }

        await client.SendFrameAsync(60_000, face);
        await client.SendAudioAsync(0, new short[1600]);
        await client.SendEndAsync();
        await client.WaitClosedAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        LiveFrameCounts counts = Assert.Single(client.Updates).Frames;
        output.WriteLine($"{counts}");
        Assert.Equal(21, counts.Received);
        Assert.InRange(counts.TooFast, 17, 19);
        Assert.Equal(counts.Received - counts.TooFast, client.Faces.Count);
        Assert.DoesNotContain(client.Faces, f => f.T == 60_000);
    }

    [Fact]
    public async Task AudioFasterThanRealTime_IsReadAtRealTime_NotDropped()
    {
        await using LiveTestClient client = await LiveTestClient.ConnectAsync(host.LiveAddress);
        await client.Ready.WaitAsync(LiveTestClient.Patience);
        short[] audio = LiveTestClient.Pcm(Wav.Voice(5, 16000, 4));

        // 4 s of audio as fast as the socket takes it: the server reads it no faster than its own clock allows (2 s lead).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (uint t = 0; t < 4000; t += 100)
        {
            await client.SendAudioAsync(t, audio.AsSpan((int)t * 16, 1600));
        }

        await client.SendEndAsync();
        await client.WaitClosedAsync();
        TimeSpan took = clock.Elapsed;

        output.WriteLine($"4 s of audio sent at once took {took.TotalSeconds:F2} s to be judged.");
        Assert.True(took >= TimeSpan.FromSeconds(1.8), $"expected the server to read 4 s of audio in no less than 4 s - 2 s of lead, found {took}.");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal([1000, 2000, 3000, 4000, 4000], client.Updates.Select(u => u.WindowEndMs)); // every window, nothing lost
    }

    [Fact]
    public async Task ClientThatVanishes_IsReleased()
    {
        LiveSessionRegistry registry = host.Services.GetRequiredService<LiveSessionRegistry>();
        long closed = registry.Closed;
        LiveTestClient client = await LiveTestClient.ConnectAsync(host.LiveAddress);
        await client.Ready.WaitAsync(LiveTestClient.Patience);
        await client.StreamAsync(1.5, LiveTestClient.Pcm(Wav.Voice(6, 16000, 2)), LiveTestClient.FaceJpeg(), 250);

        await client.DisposeAsync(); // the TCP connection goes, with no close handshake

        await WaitForAsync(() => registry.Closed == closed + 1 && registry.Active == 0, "the vanished session to be released");
    }

    [Fact]
    public async Task ServerStopping_ClosesLiveSocketsWith1001()
    {
        var server = new WebAppHost([$"--NeuroSync:ModelPath={Assets.TinyModels}"]);
        await server.InitializeAsync();
        LiveTestClient client;
        try
        {
            client = await LiveTestClient.ConnectAsync(server.LiveAddress);
            await client.Ready.WaitAsync(LiveTestClient.Patience);
        }
        finally
        {
            await server.DisposeAsync();
        }

        await using (client)
        {
            await client.WaitClosedAsync();
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
            Assert.Equal("the server is shutting down", client.CloseReason);
        }
    }

    [Fact]
    public async Task IdleSocket_IsClosedWith1008()
    {
        var idle = new WebAppHost([$"--NeuroSync:ModelPath={Assets.TinyModels}", "--Live:IdleTimeout=00:00:01"]);
        await idle.InitializeAsync();
        try
        {
            await using LiveTestClient client = await LiveTestClient.ConnectAsync(idle.LiveAddress);
            await client.Ready.WaitAsync(LiveTestClient.Patience);

            await client.WaitClosedAsync();

            Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
            Assert.Equal("idle: no message for 1 s", client.CloseReason);
            LiveSessionRegistry registry = idle.Services.GetRequiredService<LiveSessionRegistry>();
            await WaitForAsync(() => registry.Active == 0, "the idle session to be released");
        }
        finally
        {
            await idle.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> HandshakeOverHttpAsync(string? origin)
    {
        using HttpClient client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement problem = document.RootElement.Clone();
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] TrackSessions(LiveSessionRegistry registry) =>
        [.. registry.Running().Select(c => new WeakReference(c.Session ?? throw new InvalidOperationException($"session {c.Id} has no stream")))];

    private static async Task AssertCollectedAsync(WeakReference[] sessions)
    {
        // A disposed stream's loop has ended, so once the server lets go nothing keeps it: a few collections find them all.
        for (int attempt = 0; attempt < 50 && sessions.Any(s => s.IsAlive); attempt++)
        {
            ManagedMemory();
            await Task.Delay(100);
        }

        Assert.True(sessions.All(s => !s.IsAlive), $"{sessions.Count(s => s.IsAlive)} of {sessions.Length} streams are still reachable after their sockets closed.");
    }

    private static long ManagedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < LiveTestClient.Patience, $"expected {what} within {LiveTestClient.Patience}.");
            await Task.Delay(50);
        }
    }
}
