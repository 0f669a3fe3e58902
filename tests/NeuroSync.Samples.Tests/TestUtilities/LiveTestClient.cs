using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json;
using NeuroSync.Web.Live;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>A live-protocol client on <see cref="ClientWebSocket"/>: sends audio chunks, frames and the end message as the
/// page does, and collects what the server answers (the ready message, face boxes, updates, the close status).</summary>
internal sealed class LiveTestClient : IAsyncDisposable
{
    /// <summary>How long a test waits for something the server should send; generous, for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<LiveReadyMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<LiveFaceMessage> _faces = [];
    private readonly List<LiveUpdateMessage> _updates = [];
    private readonly Task _reading;

    private LiveTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Gets the ready message (the first one).</summary>
    public Task<LiveReadyMessage> Ready => _ready.Task;

    /// <summary>Gets a task that completes when the socket is closed (by either side) or broken.</summary>
    public Task Closed => _reading;

    /// <summary>Gets the close status the server sent, once closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Gets the close reason the server sent, once closed.</summary>
    public string? CloseReason => _socket.CloseStatusDescription;

    /// <summary>Gets the face messages so far.</summary>
    public IReadOnlyList<LiveFaceMessage> Faces
    {
        get
        {
            lock (_faces)
            {
                return [.. _faces];
            }
        }
    }

    /// <summary>Gets the updates so far.</summary>
    public IReadOnlyList<LiveUpdateMessage> Updates
    {
        get
        {
            lock (_updates)
            {
                return [.. _updates];
            }
        }
    }

    /// <summary>Opens a live socket and waits for nothing more than the handshake.</summary>
    /// <param name="address">The <c>ws://</c> address of <c>/api/live</c>.</param>
    /// <param name="origin">The <c>Origin</c> header to send, or <see langword="null"/> for none (as programs do).</param>
    /// <returns>The client.</returns>
    public static async Task<LiveTestClient> ConnectAsync(Uri address, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await socket.ConnectAsync(address, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LiveTestClient(socket);
    }

    /// <summary>Tries a handshake that the server should refuse.</summary>
    /// <param name="address">The <c>ws://</c> address of <c>/api/live</c>.</param>
    /// <param name="origin">The <c>Origin</c> header, or <see langword="null"/>.</param>
    /// <returns>The HTTP status of the refusal.</returns>
    public static async Task<System.Net.HttpStatusCode> RefusedHandshakeAsync(Uri address, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(Patience);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(address, timeout.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>Sends an audio chunk: 16 kHz mono 16-bit PCM.</summary>
    public Task SendAudioAsync(uint timestamp, ReadOnlySpan<short> samples, uint sampleRate = 16000, byte channels = 1)
    {
        byte[] message = new byte[LiveProtocol.AudioHeaderBytes + (2 * samples.Length)];
        message[0] = LiveProtocol.Audio;
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(1), timestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(5), sampleRate);
        message[9] = channels;
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(message.AsSpan(LiveProtocol.AudioHeaderBytes + (2 * i)), samples[i]);
        }

        return SendAsync(message);
    }

    /// <summary>Sends a frame.</summary>
    public Task SendFrameAsync(uint timestamp, byte[] jpeg)
    {
        byte[] message = new byte[LiveProtocol.FrameHeaderBytes + jpeg.Length];
        message[0] = LiveProtocol.Frame;
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(1), timestamp);
        jpeg.CopyTo(message, LiveProtocol.FrameHeaderBytes);
        return SendAsync(message);
    }

    /// <summary>Sends the end message: the server answers with the final update and closes.</summary>
    public Task SendEndAsync() => SendAsync([LiveProtocol.End]);

    /// <summary>Sends any message.</summary>
    public async Task SendAsync(byte[] message, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        await _sendLock.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            await _socket.SendAsync(message, type, endOfMessage: true, timeout.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Streams <paramref name="seconds"/> of input in real time, as the page does: every 100 ms an audio chunk, and a
    /// frame every <paramref name="frameIntervalMs"/> (sent before the audio of the same moment), stamped
    /// <c>t + frameOffsetMs</c>.</summary>
    /// <returns>A task that completes when everything is sent, or when the socket stops taking input.</returns>
    public async Task StreamAsync(double seconds, short[] audio, byte[]? jpeg, int frameIntervalMs, uint frameOffsetMs = 0, uint startMs = 0, CancellationToken stop = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int steps = (int)Math.Round(seconds * 10);
        for (int k = 0; k < steps; k++)
        {
            if (_socket.State != WebSocketState.Open || stop.IsCancellationRequested)
            {
                return;
            }

            uint t = startMs + (uint)(k * 100);
            if (jpeg is not null && (k * 100) % frameIntervalMs == 0)
            {
                await SendFrameAsync(t + frameOffsetMs, jpeg);
            }

            int from = (int)((long)t * 16 % audio.Length);
            await SendAudioAsync(t, audio.AsSpan(from, Math.Min(1600, audio.Length - from)));
            TimeSpan due = TimeSpan.FromMilliseconds((k + 1) * 100);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, CancellationToken.None);
            }
        }
    }

    /// <summary>Waits until the server has sent at least <paramref name="count"/> updates.</summary>
    public async Task<IReadOnlyList<LiveUpdateMessage>> WaitForUpdatesAsync(int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Updates.Count < count)
        {
            Assert.True(clock.Elapsed < Patience, $"expected {count} updates within {Patience}, found {Updates.Count}.");
            Assert.False(_reading.IsCompleted, $"expected {count} updates, found {Updates.Count} before the socket closed ({CloseStatus} '{CloseReason}').");
            await Task.Delay(50);
        }

        return Updates;
    }

    /// <summary>Waits for the socket to close, within <see cref="Patience"/>.</summary>
    public async Task WaitClosedAsync()
    {
        Task done = await Task.WhenAny(_reading, Task.Delay(Patience));
        Assert.True(done == _reading, $"expected the socket to close within {Patience}; it is {_socket.State}.");
    }

    /// <summary>Closes the socket from the client's side (normal closure) and waits for the server's answer.</summary>
    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(Patience);
            await _sendLock.WaitAsync();
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        await WaitClosedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }

    /// <summary>The astronaut photo, scaled to <paramref name="width"/> pixels wide, as a JPEG.</summary>
    public static byte[] FaceJpeg(int width = 320)
    {
        using Image<Rgb24> image = Image.Load<Rgb24>(Assets.FacePng);
        image.Mutate(x => x.Resize(width, 0));
        return Jpeg(image);
    }

    /// <summary>A uniform grey frame (no face), as a JPEG.</summary>
    public static byte[] GreyJpeg(int width = 320, int height = 240)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(128, 128, 128));
        return Jpeg(image);
    }

    /// <summary>Samples in [-1, 1] as 16-bit PCM.</summary>
    public static short[] Pcm(float[] samples) => [.. samples.Select(s => (short)Math.Round(Math.Clamp(s, -1f, 1f) * short.MaxValue))];

    private static byte[] Jpeg(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 85 });
        return stream.ToArray();
    }

    private async Task ReadAsync()
    {
        try
        {
            await ReadMessagesAsync();
        }
        finally
        {
            _ready.TrySetException(new InvalidOperationException($"closed before ready: {_socket.CloseStatus} '{_socket.CloseStatusDescription}'"));
        }
    }

    private async Task ReadMessagesAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _sendLock.WaitAsync();
                    try
                    {
                        using var timeout = new CancellationTokenSource(Patience);
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                    }
                    finally
                    {
                        _sendLock.Release();
                    }
                }

                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            Dispatch(message.ToArray());
            message.SetLength(0);
        }
    }

    private void Dispatch(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        switch (document.RootElement.GetProperty("type").GetString())
        {
            case "ready":
                _ready.TrySetResult(JsonSerializer.Deserialize(json, LiveJsonContext.Default.LiveReadyMessage)!);
                break;
            case "face":
                lock (_faces)
                {
                    _faces.Add(JsonSerializer.Deserialize(json, LiveJsonContext.Default.LiveFaceMessage)!);
                }

                break;
            case "update":
                lock (_updates)
                {
                    _updates.Add(JsonSerializer.Deserialize(json, LiveJsonContext.Default.LiveUpdateMessage)!);
                }

                break;
            default:
                throw new InvalidDataException($"unexpected message {System.Text.Encoding.UTF8.GetString(json)}");
        }
    }
}
