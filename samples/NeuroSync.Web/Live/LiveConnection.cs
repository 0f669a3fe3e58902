using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using NeuroSync.Streaming;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Web.Live;

/// <summary>
/// One live socket: reads the page's audio chunks and frames into an <see cref="EmotionStreamSession"/>, and sends back
/// the face box of every frame and the stream's updates, until either side closes.
/// </summary>
/// <remarks>
/// <para>Three loops share the socket: the receive loop (the only writer to the stream; it also finds each frame's face),
/// the update pump (reads the stream's updates) and the send loop (the only sender: everything to the client goes through
/// a bounded queue, then the close frame). A watchdog closes an idle socket.</para>
/// <para>Whoever decides to close (a protocol violation, the <c>end</c> message's final update, the client's close, idleness,
/// the server stopping) records the close status once; the send loop sends what is queued and then the close frame, and
/// the client gets <see cref="LiveOptions.CloseTimeout"/> to answer before the connection is dropped. A violation disposes
/// the stream at once, so it costs nothing more; in every case the stream is disposed before <see cref="RunAsync"/>
/// returns.</para>
/// </remarks>
internal sealed partial class LiveConnection : IDisposable
{
    /// <summary>Audio that starts later than the audio so far ends, by more than this, has a gap (the page lost samples):
    /// it is filled with silence so that the audio stays on the page's clock.</summary>
    public const double AudioGapToleranceMilliseconds = 250;

    private static readonly short[] Silence = new short[LiveOptions.SampleRate];

    private readonly WebSocket _socket;
    private readonly IEmotionRecognizer _recognizer;
    private readonly IFaceDetector? _faceDetector;
    private readonly bool _streamFaceBoxes;
    private readonly FrameLoader _frameLoader;
    private readonly LiveOptions _options;
    private readonly LiveReadyMessage _ready;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outgoing;
    private readonly FrameRateGate _gate;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _sendTimeout;
    private readonly long _started = Stopwatch.GetTimestamp();
    private CloseRequest? _close;
    private long _waitingSince;
    private long _audioSamples;
    private long _framesReceived;
    private long _framesTooFast;
    private long _updates;
    private int _unsent;
    private bool _ended;

    /// <summary>Creates the connection; <see cref="RunAsync"/> runs it.</summary>
    /// <param name="id">The session's number.</param>
    /// <param name="socket">The accepted socket; the caller disposes it after <see cref="RunAsync"/>.</param>
    /// <param name="recognizer">The recognizer the stream runs on.</param>
    /// <param name="faceDetector">The recognizer's face detector, for the per-frame boxes of a stream that does not analyse every
    /// frame (a model set whose frame stride is over 1); <see langword="null"/> when the stream's own faces are sent
    /// (<see cref="EmotionStreamSession.ReadFacesAsync"/>), so that no frame is searched twice.</param>
    /// <param name="frameLoader">Decodes the frames, with the pixel limit.</param>
    /// <param name="options">The limits.</param>
    /// <param name="ready">The first message (its session number is replaced by <paramref name="id"/>).</param>
    /// <param name="logger">Where the session's start, end and violations are logged.</param>
    public LiveConnection(long id, WebSocket socket, IEmotionRecognizer recognizer, IFaceDetector? faceDetector, FrameLoader frameLoader, LiveOptions options, LiveReadyMessage ready, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _recognizer = recognizer;
        _faceDetector = options.PerFrameFaceBoxes ? faceDetector : null;
        _streamFaceBoxes = options.PerFrameFaceBoxes && faceDetector is null;
        _frameLoader = frameLoader;
        _options = options;
        _ready = ready with { Session = id, FaceBoxes = options.PerFrameFaceBoxes ? "perFrame" : "perUpdate" };
        _logger = logger;
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.MaxQueuedMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _gate = new FrameRateGate(options.MaxFramesPerSecond, options.MaxClockLead.TotalMilliseconds);
        _sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
    }

    /// <summary>Gets the session's number.</summary>
    public long Id { get; }

    /// <summary>Gets the session's stream while it runs (tests check that it is released).</summary>
    internal EmotionStreamSession? Session { get; private set; }

    private double ElapsedMilliseconds => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>Runs the session until the socket is closed; never throws for what the client does.</summary>
    /// <param name="serverStopping">Closes the socket (1001) when the server stops.</param>
    /// <returns>A task that completes when the socket is closed and the stream disposed.</returns>
    public async Task RunAsync(CancellationToken serverStopping)
    {
        EmotionStreamSession session = _recognizer.OpenStream(_options.ToStreamOptions());
        Session = session;
        await using (session.ConfigureAwait(false))
        {
            using CancellationTokenRegistration stopping = serverStopping.Register(() => RequestClose(WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down"));
            LogOpened(_logger, Id);
            Enqueue(JsonSerializer.SerializeToUtf8Bytes(_ready, LiveJsonContext.Default.LiveReadyMessage));
            Task send = SendLoopAsync();
            Task faces = _streamFaceBoxes ? PumpFacesAsync(session) : Task.CompletedTask;
            Task pump = PumpUpdatesAsync(session, faces);
            Task watchdog = WatchIdleAsync();
            try
            {
                await ReceiveLoopAsync(session).ConfigureAwait(false);
            }
            finally
            {
                // The client closed, answered our close, or the connection broke: stop the stream's work now, and give the
                // rest (our close frame, if not sent yet) a bounded time.
                RequestClose(WebSocketCloseStatus.NormalClosure, string.Empty);
                await session.DisposeAsync().ConfigureAwait(false);
                _abort.CancelAfter(_options.CloseTimeout);
                await pump.ConfigureAwait(false);
                await send.ConfigureAwait(false);
                await _abort.CancelAsync().ConfigureAwait(false);
                await watchdog.ConfigureAwait(false);
                Session = null;
                CloseRequest close = Volatile.Read(ref _close)!;
                (long frames, long tooFast, int dropped) = (Interlocked.Read(ref _framesReceived), Interlocked.Read(ref _framesTooFast), session.DroppedFrames);
                (long updates, int unsent) = (Interlocked.Read(ref _updates), Volatile.Read(ref _unsent));
                LogClosed(_logger, Id, (int)close.Status, close.Reason, frames, tooFast, dropped, updates, unsent);
            }
        }
    }

    /// <summary>Releases the timers; call after <see cref="RunAsync"/> has returned.</summary>
    public void Dispose()
    {
        _sendTimeout.Dispose();
        _abort.Dispose();
    }

    private async Task ReceiveLoopAsync(EmotionStreamSession session)
    {
        // The session's own buffer, not the shared pool's: a session lives for minutes, and its 512 KiB go with it.
        byte[] buffer = new byte[_options.MaxMessageBytes];
        try
        {
            while (true)
            {
                (WebSocketMessageType type, int count, bool oversized) = await ReceiveMessageAsync(buffer).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    // The client's close, or its answer to ours.
                    RequestClose(WebSocketCloseStatus.NormalClosure, string.Empty);
                    return;
                }

                if (Volatile.Read(ref _close) is not null)
                {
                    continue; // closing: what else comes is read and dropped until the client's close frame
                }

                try
                {
                    if (oversized)
                    {
                        throw new LiveProtocolException($"message over {_options.MaxMessageBytes} bytes");
                    }

                    if (type != WebSocketMessageType.Binary)
                    {
                        throw new LiveProtocolException("expected binary messages (audio 0x01, frame 0x02, end 0x03), found a text message");
                    }

                    await HandleAsync(session, new ArraySegment<byte>(buffer, 0, count)).ConfigureAwait(false);
                }
                catch (LiveProtocolException ex)
                {
                    LogViolation(_logger, Id, ex.Message);
                    RequestClose(WebSocketCloseStatus.PolicyViolation, ex.Message);
                    await session.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NeuroSyncException or InvalidOperationException)
                {
                    // A model failed (here, finding the face), or the stream ended because one did (writes then throw
                    // InvalidOperationException).
                    LogFailure(_logger, Id, ex);
                    RequestClose(WebSocketCloseStatus.InternalServerError, ApiProblems.ServerErrorDetail);
                    await session.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection broke or was dropped after the close timeout: nothing more to read.
        }
    }

    /// <summary>Reads one message into the buffer; stops reading at the buffer's end (the rest of an oversized message is
    /// read, and dropped, as the following "messages" while the socket closes).</summary>
    private async Task<(WebSocketMessageType Type, int Count, bool Oversized)> ReceiveMessageAsync(byte[] buffer)
    {
        int limit = _options.MaxMessageBytes;
        int count = 0;
        Volatile.Write(ref _waitingSince, Stopwatch.GetTimestamp());
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.AsMemory(count, limit - count), _abort.Token).ConfigureAwait(false);
                count += result.Count;
                if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
                {
                    return (result.MessageType, count, false);
                }

                if (count == limit)
                {
                    return (result.MessageType, count, true);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _waitingSince, 0);
        }
    }

    private async Task HandleAsync(EmotionStreamSession session, ArraySegment<byte> message)
    {
        if (message.Count == 0)
        {
            throw new LiveProtocolException("expected a message type byte, found an empty message");
        }

        byte type = message[0];
        if (_ended)
        {
            return; // input still in flight when the page sent 'end' (its last chunk, a frame being encoded): dropped
        }

        switch (type)
        {
            case LiveProtocol.Audio:
                (uint timestamp, ReadOnlyMemory<byte> samples) = LiveProtocol.ReadAudio(message, _options.MaxAudioChunkSamples);
                await WriteAudioAsync(session, timestamp, samples).ConfigureAwait(false);
                break;
            case LiveProtocol.Frame:
                (uint time, ReadOnlyMemory<byte> jpeg) = LiveProtocol.ReadFrame(message);
                WriteFrame(session, time, message.Slice(message.Count - jpeg.Length));
                break;
            case LiveProtocol.End when message.Count == 1:
                Volatile.Write(ref _ended, true);
                session.Complete();
                break;
            case LiveProtocol.End:
                throw new LiveProtocolException($"end: expected 1 byte, found {message.Count}");
            default:
                throw new LiveProtocolException($"unknown message type 0x{type:X2}; expected audio 0x01, frame 0x02 or end 0x03");
        }
    }

    /// <summary>Writes a chunk on the audio clock (sample count / 16 kHz, which equals the page's clock): the first chunk is
    /// placed at its timestamp and a gap is bridged with silence, but never beyond the server's clock; a chunk that would
    /// run ahead of the server's clock by more than the lead waits (the client is read more slowly; audio is never dropped).</summary>
    private async Task WriteAudioAsync(EmotionStreamSession session, uint timestamp, ReadOnlyMemory<byte> bytes)
    {
        const double SamplesPerMillisecond = LiveOptions.SampleRate / 1000.0;
        double lead = _options.MaxClockLead.TotalMilliseconds;
        double gap = Math.Min(timestamp, ElapsedMilliseconds + lead) - (_audioSamples / SamplesPerMillisecond);
        if (gap > (_audioSamples == 0 ? 0.5 : AudioGapToleranceMilliseconds))
        {
            for (long fill = (long)Math.Round(gap * SamplesPerMillisecond); fill > 0;)
            {
                int n = (int)Math.Min(fill, Silence.Length);
                await session.WriteAudioAsync(Silence.AsMemory(0, n), LiveOptions.SampleRate, 1, _abort.Token).ConfigureAwait(false);
                _audioSamples += n;
                fill -= n;
            }
        }

        int count = bytes.Length / 2;
        double ahead = ((_audioSamples + count) / SamplesPerMillisecond) - (ElapsedMilliseconds + lead);
        if (ahead > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ahead), _abort.Token).ConfigureAwait(false);
        }

        short[] samples = ArrayPool<short>.Shared.Rent(count);
        try
        {
            ReadOnlySpan<byte> pcm = bytes.Span;
            for (int i = 0; i < count; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(2 * i)..]);
            }

            await session.WriteAudioAsync(samples.AsMemory(0, count), LiveOptions.SampleRate, 1, _abort.Token).ConfigureAwait(false);
            _audioSamples += count;
        }
        catch (NeuroSync.Audio.InvalidAudioException ex)
        {
            throw new LiveProtocolException($"wrong audio format: {ex.Message}");
        }
        finally
        {
            ArrayPool<short>.Shared.Return(samples);
        }
    }

    private void WriteFrame(EmotionStreamSession session, uint timestamp, ArraySegment<byte> jpeg)
    {
        Interlocked.Increment(ref _framesReceived);
        if (!_gate.TryTake(timestamp, ElapsedMilliseconds))
        {
            Interlocked.Increment(ref _framesTooFast);
            return;
        }

        Image<Rgb24> image;
        using (var stream = new MemoryStream(jpeg.Array!, jpeg.Offset, jpeg.Count, writable: false))
        {
            // The header first, to tell a frame that is too large from one that is broken (the loader refuses both the same way).
            IImageInfo? info;
            try
            {
                info = Image.Identify(stream);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Only the decoder reading the client's bytes runs here, and on some corrupt headers ImageSharp 2.1 fails with
                // a null reference or an index out of range rather than its format exceptions: all of it is the client's.
                throw new LiveProtocolException($"malformed JPEG: {ex.Message}");
            }

            if (info is null)
            {
                throw new LiveProtocolException("malformed JPEG: no decodable image header");
            }

            if ((long)info.Width * info.Height > _options.MaxFramePixels)
            {
                throw new LiveProtocolException($"frame too large: expected at most {_options.MaxFramePixels} pixels, found {info.Width}x{info.Height}");
            }

            try
            {
                stream.Position = 0;
                image = _frameLoader.Load(stream);
            }
            catch (InvalidImageException ex)
            {
                throw new LiveProtocolException($"malformed JPEG: {ex.Message}");
            }
        }

        try
        {
            if (_faceDetector is not null)
            {
                // The stream analyses only some frames (the model set's frame stride): for a box that follows the face in
                // every frame, the server finds it here, before the stream takes the image.
                FaceBox? face = Largest(_faceDetector.DetectFaces(image, _abort.Token));
                Enqueue(JsonSerializer.SerializeToUtf8Bytes(new LiveFaceMessage("face", timestamp, image.Width, image.Height, ToBox(face)), LiveJsonContext.Default.LiveFaceMessage));
            }
        }
        catch
        {
            image.Dispose();
            throw;
        }

        // The stream takes the image (and disposes it, also when its backlog is full and it drops the frame).
        session.TryWriteFrame(image, TimeSpan.FromMilliseconds(timestamp));
    }

    /// <summary>Sends each update; when the stream ends, waits for <paramref name="faces"/> (which ends with it) so that the
    /// last frames' boxes go out before the close.</summary>
    private async Task PumpUpdatesAsync(EmotionStreamSession session, Task faces)
    {
        try
        {
            await foreach (EmotionUpdate update in session.ReadUpdatesAsync(_abort.Token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _updates);
                Enqueue(JsonSerializer.SerializeToUtf8Bytes(ToMessage(update, session), LiveJsonContext.Default.LiveUpdateMessage));
            }

            await faces.ConfigureAwait(false);

            if (Volatile.Read(ref _ended))
            {
                RequestClose(WebSocketCloseStatus.NormalClosure, "end of stream");
            }
        }
        catch (OperationCanceledException)
        {
            // The connection was dropped.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A model failed: the stream has ended and reports why.
            LogFailure(_logger, Id, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, ApiProblems.ServerErrorDetail);
        }
    }

    /// <summary>Sends the face of each frame as soon as the stream has analysed it.</summary>
    private async Task PumpFacesAsync(EmotionStreamSession session)
    {
        try
        {
            await foreach (StreamFace face in session.ReadFacesAsync(_abort.Token).ConfigureAwait(false))
            {
                var message = new LiveFaceMessage("face", (long)face.Timestamp.TotalMilliseconds, face.FrameWidth, face.FrameHeight, ToBox(face.Face));
                Enqueue(JsonSerializer.SerializeToUtf8Bytes(message, LiveJsonContext.Default.LiveFaceMessage));
            }
        }
        catch (OperationCanceledException)
        {
            // The connection was dropped.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stream failed; the update pump logs it and closes the socket.
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (byte[] message in _outgoing.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
            {
                // A client that stops reading holds a send at most this long; then the connection is dropped.
                _sendTimeout.CancelAfter(_options.CloseTimeout);
                await _socket.SendAsync(message.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, _sendTimeout.Token).ConfigureAwait(false);
                _sendTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            CloseRequest close = Volatile.Read(ref _close)!;
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                _abort.CancelAfter(_options.CloseTimeout); // the client's half of the handshake gets this long
                await _socket.CloseOutputAsync(close.Status, close.Reason, _abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection broke or was dropped: the receive loop ends too.
            _socket.Abort();
        }
    }

    private async Task WatchIdleAsync()
    {
        TimeSpan idle = _options.IdleTimeout;
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 25, TimeSpan.TicksPerSecond)));
        try
        {
            while (Volatile.Read(ref _close) is null && await timer.WaitForNextTickAsync(_abort.Token).ConfigureAwait(false))
            {
                // Only time spent waiting for the client counts: a receive loop held up by the stream's back-pressure or by
                // audio pacing is the server's doing.
                // After 'end' the client only waits for the final update, however long the stream takes to judge its backlog.
                long since = Volatile.Read(ref _waitingSince);
                if (since != 0 && !Volatile.Read(ref _ended) && Stopwatch.GetElapsedTime(since) > idle)
                {
                    string reason = $"idle: no message for {idle.TotalSeconds:0.###} s";
                    LogViolation(_logger, Id, reason);
                    RequestClose(WebSocketCloseStatus.PolicyViolation, reason);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection has ended.
        }
    }

    private void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, LiveProtocol.CloseReason(reason)), null) is null)
        {
            _outgoing.Writer.TryComplete();
        }
    }

    private void Enqueue(byte[] message)
    {
        if (!_outgoing.Writer.TryWrite(message) && Volatile.Read(ref _close) is null)
        {
            Interlocked.Increment(ref _unsent);
        }
    }

    private LiveUpdateMessage ToMessage(EmotionUpdate update, EmotionStreamSession session)
    {
        EmotionPrediction p = update.Prediction;
        var scores = new LabelScore[p.Scores.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = new LabelScore(p.Labels[i], p.Scores[i]);
        }

        return new LiveUpdateMessage(
            "update",
            update.Sequence,
            update.WindowStart.TotalMilliseconds,
            update.WindowEnd.TotalMilliseconds,
            p.Label,
            p.RawLabel,
            p.Confidence,
            scores,
            new MaskResponse(CamelCase(p.Mask.Audio.ToString()), CamelCase(p.Mask.Video.ToString()), p.Mask.ToString()),
            [.. update.Faces.Select(f => new LiveStreamFace(f.Timestamp.TotalMilliseconds, CamelCase(f.Status.ToString()), ToBox(f.Face), f.TrackId))],
            [.. update.Utterances.Select(u => new LiveUtterance(CamelCase(u.Kind.ToString()), u.Time.TotalMilliseconds))],
            new LiveFrameCounts(Interlocked.Read(ref _framesReceived), Interlocked.Read(ref _framesTooFast), session.DroppedFrames),
            update.SkippedUpdates,
            update.Latency.TotalMilliseconds,
            update.IsFinal);
    }

    private static FaceBox? Largest(IReadOnlyList<FaceBox> faces)
    {
        FaceBox? largest = null;
        foreach (FaceBox face in faces)
        {
            if (largest is not { } l || face.Area > l.Area)
            {
                largest = face;
            }
        }

        return largest;
    }

    private static LiveBox? ToBox(FaceBox? face) => face is { } f ? new LiveBox(f.X, f.Y, f.Width, f.Height, f.Score) : null;

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Live session {Session} opened")]
    private static partial void LogOpened(ILogger logger, long session);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information,
        Message = "Live session {Session} closed with {CloseStatus} '{Reason}'; {Frames} frames received, {TooFast} too fast, {Dropped} dropped by the stream; {Updates} updates; {Unsent} messages not sent")]
    private static partial void LogClosed(ILogger logger, long session, int closeStatus, string reason, long frames, long tooFast, int dropped, long updates, int unsent);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Live session {Session} broke the protocol: {Reason}")]
    private static partial void LogViolation(ILogger logger, long session, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Live session {Session}: the model failed")]
    private static partial void LogFailure(ILogger logger, long session, Exception exception);

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);
}
