using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Samples.Tests.Web;

public sealed class PredictApiTests(WebAppHost host) : IClassFixture<WebAppHost>
{
    private const int Clips = 20;

    // The endpoint middleware's log category: it logs each request it runs, at Information.
    private const string EndpointLog = "Microsoft.AspNetCore.Routing.EndpointMiddleware";

    private static readonly string[] Labels = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"];

    [Fact]
    public async Task WavAndImage_GiveLabelAllScoresMaskAndTimings()
    {
        using HttpClient client = host.CreateClient();
        using MultipartFormDataContent form = Form(File.ReadAllBytes(Assets.SpeechWav), File.ReadAllBytes(Assets.FacePng));

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        PredictionResponse prediction = (await response.Content.ReadFromJsonAsync(WebJsonContext.Default.PredictionResponse))!;
        Assert.Equal(Labels, prediction.Scores.Select(s => s.Label));
        Assert.Equal(1f, prediction.Scores.Sum(s => s.Score), 4);
        LabelScore top = prediction.Scores.MaxBy(s => s.Score)!;
        Assert.Equal(top.Label, prediction.RawLabel);
        Assert.Equal(top.Score, prediction.Confidence);
        Assert.Equal("audio: available, video: available", prediction.Mask.Text);
        Assert.Equal(new FramesResponse(1, 1), prediction.Frames);
        Assert.NotNull(prediction.Contributions);
        Assert.True(prediction.Timings.Server >= prediction.Timings.Pipeline);
        Assert.Equal("tiny-test", prediction.ModelSet);
    }

    [Fact]
    public async Task SilentAudioAndCoveredCamera_AreNamedInTheMask()
    {
        using HttpClient client = host.CreateClient();
        using MultipartFormDataContent form = Form(Wav.Pcm16(new float[16000], 16000), SolidPng(64, 48, 20));

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        PredictionResponse prediction = (await response.Content.ReadFromJsonAsync(WebJsonContext.Default.PredictionResponse))!;
        Assert.Equal("silent", prediction.Mask.Audio);
        Assert.Equal("tooDark", prediction.Mask.Video);
        Assert.Equal("audio: silent, video: too dark", prediction.Mask.Text);
        Assert.Equal(new FramesResponse(1, 0), prediction.Frames);
    }

    [Fact]
    public async Task TwentyConcurrentClips_EachGetTheirOwnResult()
    {
        byte[] face = File.ReadAllBytes(Assets.FacePng);
        byte[][] wavs = [.. Enumerable.Range(0, Clips).Select(i => Wav.Pcm16(Wav.Voice(i, 16000, 2.0), 16000))];

        // The synthetic voices are no speech to a voice-activity detector, so only the original mode hears each one.
        var original = new WebAppHost([$"--NeuroSync:ModelPath={Assets.TinyModels}", "--NeuroSync:Mode=Original"]);
        await original.InitializeAsync();
        try
        {
            await CompareConcurrentWithAlone(original, face, wavs);
        }
        finally
        {
            await original.DisposeAsync();
        }
    }

    private static async Task CompareConcurrentWithAlone(WebAppHost server, byte[] face, byte[][] wavs)
    {
        using HttpClient client = server.CreateClient();

        // What each clip gets on its own, one request at a time.
        var alone = new float[Clips][];
        for (int i = 0; i < Clips; i++)
        {
            alone[i] = await PredictScoresAsync(client, wavs[i], i % 2 == 0 ? face : null);
        }

        for (int i = 0; i < Clips; i++)
        {
            for (int j = i + 1; j < Clips; j++)
            {
                Assert.True(MaxAbsDiff(alone[i], alone[j]) > 1e-4, $"clips {i} and {j} give the same scores; a mix-up would go unseen.");
            }
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<float[]>[] requests = [.. Enumerable.Range(0, Clips).Select(async i =>
        {
            await start.Task;
            return await PredictScoresAsync(client, wavs[i], i % 2 == 0 ? face : null);
        })];
        start.SetResult();
        float[][] together = await Task.WhenAll(requests);

        for (int i = 0; i < Clips; i++)
        {
            Assert.True(MaxAbsDiff(alone[i], together[i]) < 1e-5, $"clip {i}: concurrent scores differ from the clip's own by {MaxAbsDiff(alone[i], together[i])}.");
        }
    }

    [Fact]
    public async Task UploadOver20MB_IsRefusedWith413BeforeTheBodyIsRead()
    {
        const long Size = 200L * 1024 * 1024;
        using HttpClient client = host.CreateClient();
        var body = new CountingContent(Size);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = body };

        // With "Expect: 100-continue" the client sends the body only when the server starts reading it (Kestrel sends
        // "100 Continue" then), so what the client got to send is what the server asked for.
        request.Headers.ExpectContinue = true;
        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Problem error = await Problem.ReadAsync(response);
        Assert.Contains("at most 20971520 bytes", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, body.BytesWritten);
    }

    [Fact]
    public async Task ChunkedUploadOverTheLimit_IsCutOffAt413()
    {
        // Without a Content-Length the size is only known as the bytes arrive. A 2 MiB request limit (below the 16 MiB
        // audio-part limit) shows it is the request limit that stops a well-formed, endless audio part.
        const long Size = 200L * 1024 * 1024;
        var small = new WebAppHost([$"--NeuroSync:ModelPath={Assets.TinyModels}", "--Upload:MaxRequestBytes=2097152"]);
        await small.InitializeAsync();
        try
        {
            using HttpClient client = small.CreateClient();
            byte[] head = System.Text.Encoding.ASCII.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\n");
            var body = new CountingContent(Size, sendLength: false, prefix: head);
            body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = body };

            HttpStatusCode? status = null;
            string? error = null;
            try
            {
                using HttpResponseMessage response = await client.SendAsync(request);
                status = response.StatusCode;
                error = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException)
            {
                // The server may close the connection mid-upload, before the client reads the 413.
            }

            Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"expected 413 or a closed connection, found {status}: {error}");
            // Cut off long before the 200 MiB: the kernel may buffer what the server no longer reads (on this Linux host
            // tcp_rmem grows to 32 MiB, tcp_wmem to 4 MiB, so a loaded machine let 8.6 MB through once), hence 64 MiB.
            Assert.True(body.BytesWritten < 64L * 1024 * 1024, $"the client got to send {body.BytesWritten} bytes of {Size}.");
            Assert.Contains(small.Logs.Entries, e => e.Message.Contains("Refused a clip with 413", StringComparison.Ordinal)
                && e.Message.Contains("at most 2097152 bytes", StringComparison.Ordinal));
        }
        finally
        {
            await small.DisposeAsync();
        }
    }

    [Fact]
    public async Task PngClaiming100000x100000Pixels_IsRefusedWith400WithoutDecoding()
    {
        using HttpClient client = host.CreateClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(HugePngHeader(100_000, 100_000)), "frames", "huge.png" } };

        long before = GC.GetTotalAllocatedBytes(precise: true);
        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem error = await Problem.ReadAsync(response);
        Assert.Equal("frames", error.Field);
        Assert.Contains("100000x100000", error.Detail, StringComparison.Ordinal);
        Assert.True(allocated < 64L * 1024 * 1024, $"the process allocated {allocated} bytes while refusing the image.");
    }

    [Fact]
    public async Task TinyFramesDecodingToGigabytes_AreRefusedWith413AtTheTotalPixelBudget()
    {
        // A blank 4096x4096 one-bit PNG is about 2 KB and decodes to 48 MiB: 64 of them in a 150 KB request would make
        // the server hold 3 GiB.
        using var blank = new Image<L8>(4096, 4096);
        using var encoded = new MemoryStream();
        blank.SaveAsPng(encoded, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1, CompressionLevel = PngCompressionLevel.BestCompression });
        byte[] png = encoded.ToArray();
        Assert.True(png.Length < 16 * 1024, $"expected a tiny PNG, found {png.Length} bytes.");
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.PostAsync("/api/predict", Form(null, [.. Enumerable.Repeat(png, 64)]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Problem error = await Problem.ReadAsync(response);
        Assert.Equal("frames", error.Field);
        Assert.Contains("67108864 pixels in all, found more by frame 5", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClipsBeyondTheConcurrencyLimitAndQueue_GetA429Problem_AndTheOneInProgressFinishes()
    {
        // The endpoint runs (and its middleware logs it) only once the limiter has granted the permit.
        var one = new WebAppHost(
            [$"--NeuroSync:ModelPath={Assets.TinyModels}", "--Upload:MaxConcurrentRequests=1", "--Upload:MaxQueuedRequests=0"],
            builder => builder.Logging.AddFilter(EndpointLog, LogLevel.Information));
        await one.InitializeAsync();
        try
        {
            using HttpClient client = one.CreateClient();
            byte[] wav = File.ReadAllBytes(Assets.SpeechWav);
            var held = new HeldContent(wav);
            Task<HttpResponseMessage> first = client.PostAsync("/api/predict", held);
            await held.Started.WaitAsync(TimeSpan.FromSeconds(60));
            // Its body starts before the server has it past the limiter, and nothing the client sees tells when that
            // happens: a second clip sent at once sometimes took the permit first.
            for (int wait = 0; !one.Logs.Entries.Any(e => e.Category == EndpointLog && e.EventId.Name == "ExecutingEndpoint"); wait++)
            {
                Assert.False(first.IsCompleted, "expected the held clip to wait for the rest of its body, found it answered.");
                Assert.True(wait < 6000, "expected the held clip past the limiter within 60 s, found no endpoint run logged.");
                await Task.Delay(10);
            }

            using HttpResponseMessage second = await client.PostAsync("/api/predict", Form(wav));
            held.Release();
            using HttpResponseMessage firstResponse = await first.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Problem problem = await Problem.ReadAsync(second);
            Assert.Equal("Too many clips at once", problem.Title);
            Assert.Contains("try again", problem.Detail, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        }
        finally
        {
            await one.DisposeAsync();
        }
    }

    [Fact]
    public async Task AudioPartAfterAnEmptyOne_IsASecondAudioPart()
    {
        using HttpClient client = host.CreateClient();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([]), "audio", "none.wav" },
            { new ByteArrayContent(File.ReadAllBytes(Assets.SpeechWav)), "audio", "speech.wav" },
        };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("audio", (await Problem.ReadAsync(response)).Field);
    }

    [Theory]
    [InlineData("audio", "audio")]
    [InlineData("frames", "frames")]
    public async Task PartThatIsNotWhatItsFieldNeeds_Gets400NamingTheField(string field, string expectedField)
    {
        using HttpClient client = host.CreateClient();
        byte[] wrong = field == "audio" ? File.ReadAllBytes(Assets.FacePng) : File.ReadAllBytes(Assets.SpeechWav);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(wrong), field, "x.bin" } };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem error = await Problem.ReadAsync(response);
        Assert.Equal(expectedField, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public async Task NaNSamples_Get400OnAudio()
    {
        using HttpClient client = host.CreateClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Wav.Float32([0.1f, float.NaN, 0.2f], 16000)), "audio", "nan.wav" } };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Problem error = await Problem.ReadAsync(response);
        Assert.Equal("audio", error.Field);
    }

    [Fact]
    public async Task RequestsThatAreNotAClip_AreRefusedWithProblems()
    {
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage notMultipart = await client.PostAsync("/api/predict", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var noParts = new ByteArrayContent("--xyz--\r\n"u8.ToArray());
        noParts.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        using HttpResponseMessage empty = await client.PostAsync("/api/predict", noParts);
        using HttpResponseMessage unknown = await client.PostAsync("/api/predict", new MultipartFormDataContent { { new StringContent("1"), "video" } });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("video", (await Problem.ReadAsync(unknown)).Field);
    }

    [Fact]
    public async Task Info_DescribesTheModelSetAndTheCaptureRate()
    {
        using HttpClient client = host.CreateClient();

        InfoResponse info = (await client.GetFromJsonAsync("/api/info", WebJsonContext.Default.InfoResponse))!;

        Assert.Equal("tiny-test", info.ModelSet);
        Assert.Equal(Labels, info.Labels);
        Assert.Equal(10, info.FrameStride);
        Assert.Equal(5, info.RecordSeconds);
    }

    internal static MultipartFormDataContent Form(byte[]? wav, params byte[][] frames)
    {
        var form = new MultipartFormDataContent();
        if (wav is not null)
        {
            form.Add(new ByteArrayContent(wav), "audio", "clip.wav");
        }

        for (int i = 0; i < frames.Length; i++)
        {
            form.Add(new ByteArrayContent(frames[i]), "frames", $"frame{i:D3}.png");
        }

        return form;
    }

    private static async Task<float[]> PredictScoresAsync(HttpClient client, byte[] wav, byte[]? frame)
    {
        using MultipartFormDataContent form = frame is null ? Form(wav) : Form(wav, frame);
        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        PredictionResponse prediction = (await response.Content.ReadFromJsonAsync(WebJsonContext.Default.PredictionResponse))!;
        return [.. prediction.Scores.Select(s => s.Score)];
    }

    private static float MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static byte[] SolidPng(int width, int height, byte level)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(level, level, level));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A valid PNG signature and IHDR chunk (with its CRC) claiming the given size, and no pixel data.</summary>
    private static byte[] HugePngHeader(int width, int height)
    {
        byte[] png = new byte[8 + 25];
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(png);
        Span<byte> chunk = png.AsSpan(8);
        BinaryPrimitives.WriteInt32BigEndian(chunk, 13);
        "IHDR"u8.CopyTo(chunk[4..]);
        BinaryPrimitives.WriteInt32BigEndian(chunk[8..], width);
        BinaryPrimitives.WriteInt32BigEndian(chunk[12..], height);
        chunk[16] = 8; // bit depth
        chunk[17] = 2; // RGB
        BinaryPrimitives.WriteUInt32BigEndian(chunk[21..], PngCrc(chunk[4..21]));
        return png;
    }

    /// <summary>The CRC-32 PNG puts after each chunk (ISO 3309 polynomial, bitwise; a few bytes only).</summary>
    private static uint PngCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A body of zeros produced as it is sent, counting how much the client got to send.</summary>
    /// <summary>A one-part clip (an audio part) whose body stops after the part's headers until released.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _wav;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldContent(byte[] wav)
        {
            _wav = wav;
            Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        }

        public Task Started => _started.Task;

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\n"));
            await stream.WriteAsync(_wav.AsMemory(0, _wav.Length / 2));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _released.Task;
            await stream.WriteAsync(_wav.AsMemory(_wav.Length / 2));
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes("\r\n--xyz--\r\n"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class CountingContent(long length, bool sendLength = true, byte[]? prefix = null) : HttpContent
    {
        private long _written;

        public long BytesWritten => Interlocked.Read(ref _written);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (prefix is not null)
            {
                await stream.WriteAsync(prefix);
            }

            byte[] chunk = new byte[64 * 1024];
            for (long left = length; left > 0; left -= chunk.Length)
            {
                int n = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                Interlocked.Add(ref _written, n);
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return sendLength;
        }
    }
}
