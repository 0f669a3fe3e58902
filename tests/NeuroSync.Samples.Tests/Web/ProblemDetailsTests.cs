using System.Net;
using System.Net.Http.Headers;
using NeuroSync.Samples.Tests.TestUtilities;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>Every error the web sample answers is an RFC 9457 problem (<c>application/problem+json</c>, <c>status</c>
/// equal to the response's): one test per status.</summary>
public sealed class ProblemDetailsTests(WebAppHost host) : IClassFixture<WebAppHost>
{
    [Fact]
    public async Task MalformedMultipart_Gets400()
    {
        using HttpClient client = host.CreateClient();
        using var body = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"audio\"\r\n\r\nno closing boundary"u8.ToArray());
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        using HttpResponseMessage response = await client.PostAsync("/api/predict", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Contains("well-formed multipart/form-data", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", problem.Type);
        Assert.Null(problem.Field);
    }

    [Fact]
    public async Task CorruptWav_Gets400OnAudio_WithNeuroSyncsMessage()
    {
        using HttpClient client = host.CreateClient();
        byte[] wav = Wav.Pcm16(new float[1600], 16000);
        wav[8] = (byte)'X'; // "WAVE" becomes "XAVE"
        using MultipartFormDataContent form = PredictApiTests.Form(wav);

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Equal("audio", problem.Field);
        Assert.False(string.IsNullOrWhiteSpace(problem.NeuroSyncError));
        Assert.Equal(problem.Detail, problem.NeuroSyncError);
    }

    [Fact]
    public async Task CorruptJpeg_Gets400OnFrames_WithNeuroSyncsMessage()
    {
        using HttpClient client = host.CreateClient();
        byte[] broken = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 300).Select(i => (byte)(i * 37)), 0xFF, 0xD9];
        using MultipartFormDataContent form = PredictApiTests.Form(null, broken);

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Equal("frames", problem.Field);
        Assert.StartsWith("frame 1: ", problem.Detail, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.NeuroSyncError));
    }

    [Fact]
    public async Task FramePartOverItsLimit_Gets413()
    {
        using HttpClient client = host.CreateClient();
        using MultipartFormDataContent form = PredictApiTests.Form(null, new byte[(4 * 1024 * 1024) + 1]);

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Equal("frames", problem.Field);
        Assert.Contains("at most 4194304 bytes", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.14", problem.Type);
    }

    [Fact]
    public async Task NotMultipart_Gets415()
    {
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.PostAsync("/api/predict", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Contains("found 'application/json", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormWithoutParts_Gets422()
    {
        // What a browser sends for an empty FormData: the closing delimiter only.
        using HttpClient client = host.CreateClient();
        using var body = new ByteArrayContent("--xyz--\r\n"u8.ToArray());
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        using HttpResponseMessage response = await client.PostAsync("/api/predict", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Equal("Nothing to analyse", problem.Title);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.21", problem.Type);
        Assert.Contains("found neither", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormWithOnlyEmptyParts_Gets422()
    {
        // What an HTML form sends when no file was chosen: the parts, empty.
        using HttpClient client = host.CreateClient();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([]), "audio", "clip.wav" },
            { new ByteArrayContent([]), "frames", "frame000.jpg" },
        };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Problem problem = await Problem.ReadAsync(response);
        Assert.Null(problem.Field);
    }

    [Fact]
    public async Task WrongMethod_Gets405Problem()
    {
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/api/predict");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await Problem.ReadAsync(response);
    }

    [Fact]
    public async Task LiveSessionLimitReached_Gets503Problem()
    {
        var single = new WebAppHost([$"--NeuroSync:ModelPath={Assets.TinyModels}", "--Live:MaxSessions=1"]);
        await single.InitializeAsync();
        try
        {
            await using LiveTestClient first = await LiveTestClient.ConnectAsync(single.LiveAddress);
            await first.Ready.WaitAsync(LiveTestClient.Patience);
            using HttpClient client = single.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
            request.Headers.Add("Sec-WebSocket-Version", "13");
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));

            using HttpResponseMessage response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Problem problem = await Problem.ReadAsync(response);
            Assert.Contains("at most 1 live sessions", problem.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await single.DisposeAsync();
        }
    }
}
