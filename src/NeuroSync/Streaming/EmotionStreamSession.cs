using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NeuroSync.Audio;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Streaming;

/// <summary>
/// Judges a live (or replayed) recording as it arrives: audio chunks and timestamped frames go in, and every
/// <see cref="StreamOptions.Hop"/> an <see cref="EmotionUpdate"/> comes out for the <see cref="StreamOptions.Window"/>
/// that ends there. Open one with <see cref="EmotionRecognizer.OpenStream"/>.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Audio sample <c>n</c> is at <c>n / sampleRate</c>; frames carry their own timestamps on the same
/// clock. Windows end at multiples of the hop; the window ending at <c>E</c> is judged once the audio reaches <c>E</c> (or,
/// before any audio is written, once a frame at or after <c>E</c> arrives). Write a moment's frames before its audio: a
/// frame that arrives after its window was judged counts for later windows only (or, after the last one, comes with the
/// final update). A window that holds no input at all (a pause of longer than a window, or a frame clock that jumps
/// ahead) gets no update, so <see cref="EmotionUpdate.WindowEnd"/> may jump too; audio of less than one sample at the
/// model's rate counts as none.</para>
/// <para><b>Exact.</b> A window's prediction is the recognizer's on the window's samples and frames, computed
/// incrementally: each frame a window samples is detected, cropped and encoded once, as it arrives (see Threads), and its features are
/// reused by every window holding it; only the audio path and fusion run per hop. In
/// <see cref="RecognitionMode.Original"/> the result equals <see cref="IEmotionRecognizer.RecognizeAsync"/> on the window.</para>
/// <para><b>Bounded.</b> The stream keeps one window of audio and of frame features, and at most
/// <see cref="StreamOptions.MaxBacklog"/> inputs waiting: a frame written while the backlog is full is dropped and
/// counted, an audio write waits. At most <see cref="StreamOptions.MaxPendingUpdates"/> updates wait for the reader; older
/// ones are dropped and counted. At most <see cref="StreamOptions.MaxBacklog"/> frame faces wait for
/// <see cref="ReadFacesAsync"/>, read or not; older ones are dropped (the updates still carry them).</para>
/// <para><b>Threads.</b> The write methods and <see cref="Complete"/> may be called from any thread; inputs are taken in
/// the order the calls return. One reader at a time enumerates <see cref="ReadUpdatesAsync"/>, and one (it may be another)
/// <see cref="ReadFacesAsync"/>. The work runs on a thread-pool loop of the stream's own, which hands each frame's analysis
/// to the thread pool, up to <see cref="StreamOptions.MaxDegreeOfParallelism"/> at a time, and takes the results in in
/// arrival order.</para>
/// <para><b>Bad input.</b> A chunk with NaN or infinite samples, or at another rate or channel count than the first, is
/// refused with <see cref="InvalidAudioException"/> and the stream goes on. A frame whose timestamp is before the previous
/// frame's, or that fails to preprocess, is dropped and counted. Only a failure of a model ends the stream: the reader gets
/// the exception.</para>
/// </remarks>
public sealed class EmotionStreamSession : IAsyncDisposable
{
    private readonly StreamPipeline _pipeline;
    private readonly Channel<StreamInput> _input;
    private readonly Channel<EmotionUpdate> _updates;
    private readonly Channel<StreamFace> _frameFaces;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _writeLock = new();
    private readonly Lock _updatesLock = new();
    private readonly Task _loop;
    private int _audioRate;
    private int _audioChannels;
    private int _droppedFrames;
    private int _totalDroppedFrames;
    private EmotionUpdate? _lastUpdate;
    private long _nextSequence;
    private long _lastRead = -1;
    private bool _completed;
    private volatile bool _failed;
    private int _disposed;

    internal EmotionStreamSession(StreamPipeline pipeline, StreamOptions options)
    {
        _pipeline = pipeline;
        _input = Channel.CreateBounded<StreamInput>(new BoundedChannelOptions(options.MaxBacklog)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _updates = Channel.CreateBounded<EmotionUpdate>(
            new BoundedChannelOptions(options.MaxPendingUpdates) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        _frameFaces = Channel.CreateBounded<StreamFace>(
            new BoundedChannelOptions(options.MaxBacklog) { SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest });
        _pipeline.FrameAnalysed = face => _frameFaces.Writer.TryWrite(face);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets the time between updates.</summary>
    public TimeSpan Hop => _pipeline.Hop;

    /// <summary>Gets the length of the judged windows: <see cref="StreamOptions.Window"/>, or the model set's clip length.</summary>
    public TimeSpan Window => _pipeline.Window;

    /// <summary>Gets a task that completes when the session has ended: after the final update, on a model failure, or on
    /// disposal. It never faults (the reader gets a failure).</summary>
    public Task Completion => _loop;

    /// <summary>Gets the number of frames dropped so far (each update also reports those since the previous one).</summary>
    public int DroppedFrames => Volatile.Read(ref _totalDroppedFrames) + _pipeline.TotalRejectedFrames;

    /// <summary>Writes audio samples; the first chunk sets the stream's rate and channel count.</summary>
    /// <param name="samples">Interleaved samples, nominally in [-1, 1]; copied, so the buffer may be reused at once.</param>
    /// <param name="sampleRate">The sample rate in hertz; the same for every chunk.</param>
    /// <param name="channels">The channel count; the same for every chunk.</param>
    /// <param name="cancellationToken">Cancels waiting for room in the backlog.</param>
    /// <returns>A task that completes when the chunk is queued.</returns>
    /// <exception cref="InvalidAudioException">The chunk has a NaN or infinite sample, a length that is not a multiple of
    /// <paramref name="channels"/>, or another rate or channel count than the stream's; nothing of it is taken.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called, or the stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    public ValueTask WriteAudioAsync(ReadOnlyMemory<float> samples, int sampleRate, int channels = 1, CancellationToken cancellationToken = default)
    {
        float[] copy = samples.ToArray();
        int bad = Array.FindIndex(copy, s => !float.IsFinite(s));
        if (bad >= 0)
        {
            throw new InvalidAudioException($"Audio chunk: expected finite samples, found {copy[bad]} at sample {bad}.");
        }

        return EnqueueAudioAsync(copy, sampleRate, channels, cancellationToken);
    }

    /// <summary>Writes 16-bit PCM samples (scaled by 1/32768); the first chunk sets the stream's rate and channel count.</summary>
    /// <param name="samples">Interleaved samples; copied, so the buffer may be reused at once.</param>
    /// <param name="sampleRate">The sample rate in hertz; the same for every chunk.</param>
    /// <param name="channels">The channel count; the same for every chunk.</param>
    /// <param name="cancellationToken">Cancels waiting for room in the backlog.</param>
    /// <returns>A task that completes when the chunk is queued.</returns>
    /// <exception cref="InvalidAudioException">The chunk's length is not a multiple of <paramref name="channels"/>, or its
    /// rate or channel count differs from the stream's; nothing of it is taken.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called, or the stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    public ValueTask WriteAudioAsync(ReadOnlyMemory<short> samples, int sampleRate, int channels = 1, CancellationToken cancellationToken = default)
    {
        var copy = new float[samples.Length];
        ReadOnlySpan<short> pcm = samples.Span;
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = pcm[i] / 32768f;
        }

        return EnqueueAudioAsync(copy, sampleRate, channels, cancellationToken);
    }

    /// <summary>Writes one frame. The stream takes the image: it disposes it once analysed, or at once when it is dropped.</summary>
    /// <param name="image">The frame's pixels; not to be used by the caller afterwards.</param>
    /// <param name="timestamp">The frame's time on the stream's clock; not before the previous frame's.</param>
    /// <returns><see langword="true"/> when the frame was queued; <see langword="false"/> when the backlog was full and it
    /// was dropped (counted in the next update).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is negative.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called, or the stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    public bool TryWriteFrame(Image<Rgb24> image, TimeSpan timestamp)
    {
        CheckFrame(image, timestamp);

        lock (_writeLock)
        {
            ThrowIfClosed(image);
            if (_input.Writer.TryWrite(new StreamInput.Frame(image, timestamp, Stopwatch.GetTimestamp())))
            {
                return true;
            }

            if (_failed)
            {
                // The input closed because the stream failed, not because the backlog is full: no drop to count.
                image.Dispose();
                throw Closed(null);
            }
        }

        image.Dispose();
        Interlocked.Increment(ref _droppedFrames);
        Interlocked.Increment(ref _totalDroppedFrames);
        return false;
    }

    /// <summary>Waits until everything written so far has been taken in: each frame analysed, and each window the
    /// written audio completes judged and published. Nothing is judged early: a window still waits for its end.</summary>
    /// <param name="cancellationToken">Cancels the wait (not the work).</param>
    /// <returns>A task that completes when the input written before the call has been processed.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called, or the stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_writeLock)
        {
            ThrowIfClosed(null);
        }

        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _input.Writer.WriteAsync(new StreamInput.Barrier(reached, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw Closed(ex);
        }

        await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one frame, waiting for room in the backlog instead of dropping it: for a file, where nothing should
    /// be lost and the reader may wait. The stream takes the image, as <see cref="TryWriteFrame"/> does.</summary>
    /// <param name="image">The frame's pixels; not to be used by the caller afterwards.</param>
    /// <param name="timestamp">The frame's time on the stream's clock; not before the previous frame's.</param>
    /// <param name="cancellationToken">Cancels waiting for room (the image is then disposed).</param>
    /// <returns>A task that completes when the frame is queued.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is negative.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called, or the stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    public async ValueTask WriteFrameAsync(Image<Rgb24> image, TimeSpan timestamp, CancellationToken cancellationToken = default)
    {
        CheckFrame(image, timestamp);

        lock (_writeLock)
        {
            ThrowIfClosed(image);
        }

        try
        {
            await _input.Writer.WriteAsync(new StreamInput.Frame(image, timestamp, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            image.Dispose();
            throw ex is ChannelClosedException closed ? Closed(closed) : ex;
        }
    }

    /// <summary>Ends the input: the stream judges what is left, sends a final update (<see cref="EmotionUpdate.IsFinal"/>;
    /// none when nothing was ever written) and ends <see cref="ReadUpdatesAsync"/>. An audio write still waiting for room in
    /// the backlog fails with <see cref="InvalidOperationException"/>, and its chunk is not taken. Later calls do nothing.</summary>
    public void Complete()
    {
        lock (_writeLock)
        {
            if (!_completed && Volatile.Read(ref _disposed) == 0)
            {
                _completed = true;
                _input.Writer.TryComplete();
            }
        }
    }

    /// <summary>Reads the updates as they are made, until the final one; one reader at a time.</summary>
    /// <param name="cancellationToken">Stops the reading (not the stream).</param>
    /// <returns>The updates, in order.</returns>
    /// <exception cref="NeuroSyncException">A model failed; the stream has ended.</exception>
    public async IAsyncEnumerable<EmotionUpdate> ReadUpdatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _updates.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryTakeUpdate(out EmotionUpdate? update))
            {
                // The updates a slow reader missed are the gap in the sequence since the last one it read; their faces,
                // utterances and drop counts come with the next one it reads.
                long skipped = update.Sequence - _lastRead - 1;
                _lastRead = update.Sequence;
                yield return skipped == 0 ? update : update.WithSkipped((int)skipped);
            }
        }
    }

    /// <summary>Reads what the stream saw in each frame as soon as it is analysed, before the update of the window holding it:
    /// the face box and track id to draw while the face moves. The same records come again, per window, in
    /// <see cref="EmotionUpdate.Faces"/>.</summary>
    /// <param name="cancellationToken">Stops the enumeration (not the stream).</param>
    /// <returns>One record per analysed frame, in timestamp order; it ends when the stream has no more input, or with the
    /// stream's failure. Frames the stream does not analyse (dropped, refused, skipped by <see cref="StreamOptions.MaxFrameRate"/>,
    /// or sampled by no window under the model set's frame stride) have none. At most <see cref="StreamOptions.MaxBacklog"/>
    /// records wait for the reader; older ones are dropped, so a reader that comes late or falls behind gets the latest.</returns>
    public IAsyncEnumerable<StreamFace> ReadFacesAsync(CancellationToken cancellationToken = default) =>
        _frameFaces.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Stops the work at once, drops what is queued (disposing its images) and waits for the loop to end.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_writeLock)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _input.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        DrainInput(null);
        CompleteReaders(null);
        _pipeline.Dispose();
        _stop.Dispose();
    }

    private async ValueTask EnqueueAudioAsync(float[] samples, int sampleRate, int channels, CancellationToken cancellationToken)
    {
        var clip = new AudioClip(samples, sampleRate, channels);
        lock (_writeLock)
        {
            ThrowIfClosed(null);
            if (_audioRate == 0)
            {
                (_audioRate, _audioChannels) = (sampleRate, channels);
            }
            else if (_audioRate != sampleRate || _audioChannels != channels)
            {
                throw new InvalidAudioException($"Audio chunk: expected the stream's {_audioRate} Hz with {_audioChannels} channel(s), found {sampleRate} Hz with {channels}; open a new stream to change the format.");
            }
        }

        if (clip.FrameCount == 0)
        {
            return;
        }

        try
        {
            await _input.Writer.WriteAsync(new StreamInput.Audio(clip, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw Closed(ex);
        }
    }

    private void ThrowIfClosed(Image<Rgb24>? owned)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            owned?.Dispose();
            throw new ObjectDisposedException(nameof(EmotionStreamSession));
        }

        if (_completed || _loop.IsCompleted)
        {
            owned?.Dispose();
            throw Closed(null);
        }
    }

    /// <summary>Checks a written frame's arguments; a frame refused for its timestamp is disposed, as the stream owns it.</summary>
    private static void CheckFrame(Image<Rgb24> image, TimeSpan timestamp)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (timestamp < TimeSpan.Zero)
        {
            image.Dispose();
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "Frame timestamp: expected 0 or later.");
        }
    }

    private static InvalidOperationException Closed(Exception? inner) =>
        new("The stream takes no more input: Complete was called, or it failed (ReadUpdatesAsync reports why).", inner);

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        try
        {
            try
            {
                await TakeInputAsync(stop).ConfigureAwait(false);
                await FinishAsync(stop).ConfigureAwait(false);
            }
            finally
            {
                await _pipeline.AbandonFramesInFlightAsync().ConfigureAwait(false);
            }

            CompleteReaders(null);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            CompleteReaders(null);
        }
        catch (Exception ex)
        {
            // The readers get the failure; writers and flushes learn of it from the closed input.
            _failed = true;
            CompleteReaders(ex);
            _input.Writer.TryComplete(ex);
            DrainInput(ex);
        }
    }

    /// <summary>Takes the inputs in order until the input completes. While none is waiting, the frames being analysed are
    /// taken in as they finish, so their faces go out then, not when the next input comes.</summary>
    private async Task TakeInputAsync(CancellationToken stop)
    {
        ChannelReader<StreamInput> reader = _input.Reader;
        // Cancelled on the way out, so that a wait left pending ends cancelled, not faulted (unobserved) by the failure the
        // input is completed with.
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Task<bool>? inputArrived = null;
        try
        {
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                if (reader.TryRead(out StreamInput? item))
                {
                    await TakeAsync(item, stop).ConfigureAwait(false);
                    continue;
                }

                inputArrived ??= reader.WaitToReadAsync(leaving.Token).AsTask();
                if (_pipeline.OldestFrameInFlight is { } oldest)
                {
                    // Nothing waits: take the oldest frame in as soon as it is done rather than when the next input comes,
                    // and a frame written meanwhile starts at once, beside the ones in flight.
                    await Task.WhenAny(oldest, inputArrived).ConfigureAwait(false);
                    _pipeline.TakeFinishedFrames();
                    if (!inputArrived.IsCompleted)
                    {
                        continue;
                    }
                }

                bool more = await inputArrived.ConfigureAwait(false);
                inputArrived = null;
                if (!more)
                {
                    return;
                }
            }
        }
        finally
        {
            await leaving.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes one input in, publishing the windows it closes; a barrier waits for every frame in flight.</summary>
    private async ValueTask TakeAsync(StreamInput item, CancellationToken stop)
    {
        IReadOnlyList<StreamWindow> ready = item switch
        {
            StreamInput.Audio audio => await _pipeline.AddAudioAsync(audio.Clip, stop).ConfigureAwait(false),
            StreamInput.Frame frame => await _pipeline.AddFrameAsync(frame.Image, frame.Timestamp, stop).ConfigureAwait(false),
            _ => [],
        };
        foreach (StreamWindow window in ready)
        {
            await PublishAsync(window, item.Written, isFinal: false, stop).ConfigureAwait(false);
        }

        if (item is StreamInput.Barrier barrier)
        {
            try
            {
                await _pipeline.TakeFramesInFlightAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Out of the input already, so DrainInput will not see it: it fails here as it would there.
                barrier.Reached.TrySetException(stop.IsCancellationRequested ? new ObjectDisposedException(nameof(EmotionStreamSession)) : Closed(ex));
                throw;
            }

            barrier.Reached.TrySetResult();
        }
    }

    /// <summary>Judges what is left once the input has completed, and sends the final update.</summary>
    private async Task FinishAsync(CancellationToken stop)
    {
        IReadOnlyList<StreamWindow> rest = await _pipeline.FlushAsync().ConfigureAwait(false);
        for (int i = 0; i < rest.Count; i++)
        {
            await PublishAsync(rest[i], Stopwatch.GetTimestamp(), isFinal: i == rest.Count - 1, stop).ConfigureAwait(false);
        }

        if (rest.Count == 0 && _lastUpdate is { } last)
        {
            // The input ended exactly on a hop: the last window already holds everything, so it is the final word. A
            // frame that came after it was judged is in no window; what was seen of it comes with this update.
            var (faces, utterances, rejected) = _pipeline.TakeUnjudged();
            Publish(new EmotionUpdate
            {
                Sequence = _nextSequence++,
                WindowStart = last.WindowStart,
                WindowEnd = last.WindowEnd,
                Prediction = last.Prediction,
                Faces = faces,
                Utterances = utterances,
                DroppedFrames = Interlocked.Exchange(ref _droppedFrames, 0) + rejected,
                SkippedUpdates = 0,
                Latency = TimeSpan.Zero,
                IsFinal = true,
            });
        }
    }

    /// <summary>Queues an update for the reader. When the reader has fallen behind by a full queue, every waiting update is
    /// taken out and what each saw (faces, utterance events, drop counts) goes into the new one, oldest first, so a slow
    /// reader gets the latest and loses none of it, in order; it learns how many it missed from the gap in the sequence.
    /// Taking out only the oldest would let the ones after it be read before its events. The reader takes updates under the
    /// same lock, so it never takes one while they are being gathered.</summary>
    private void Publish(EmotionUpdate update)
    {
        lock (_updatesLock)
        {
            if (_updates.Writer.TryWrite(update))
            {
                return;
            }

            var waiting = new List<EmotionUpdate>();
            while (_updates.Reader.TryRead(out EmotionUpdate? older))
            {
                waiting.Add(older);
            }

            update = update.Absorbing(waiting);

            // The queue is empty now and only this loop writes, so there is room.
            _updates.Writer.TryWrite(update);
        }
    }

    private bool TryTakeUpdate([NotNullWhen(true)] out EmotionUpdate? update)
    {
        lock (_updatesLock)
        {
            return _updates.Reader.TryRead(out update);
        }
    }

    /// <summary>Ends both readers' enumerations, with the stream's failure if it failed.</summary>
    private void CompleteReaders(Exception? error)
    {
        _updates.Writer.TryComplete(error);
        _frameFaces.Writer.TryComplete(error);
    }

    /// <summary>Releases what is still queued: frames are disposed, flushes told that the stream failed or was disposed.</summary>
    private void DrainInput(Exception? error)
    {
        while (_input.Reader.TryRead(out StreamInput? left))
        {
            (left as StreamInput.Frame)?.Image.Dispose();
            if (left is StreamInput.Barrier barrier)
            {
                barrier.Reached.TrySetException(error is null ? new ObjectDisposedException(nameof(EmotionStreamSession)) : Closed(error));
            }
        }
    }

    private async Task PublishAsync(StreamWindow window, long written, bool isFinal, CancellationToken cancellationToken)
    {
        EmotionPrediction prediction = await _pipeline.PredictAsync(window, cancellationToken).ConfigureAwait(false);
        _lastUpdate = new EmotionUpdate
        {
            Sequence = _nextSequence++,
            WindowStart = window.Start,
            WindowEnd = window.End,
            Prediction = prediction,
            Faces = window.Faces,
            Utterances = window.Utterances,
            DroppedFrames = Interlocked.Exchange(ref _droppedFrames, 0) + window.RejectedFrames,
            SkippedUpdates = 0,
            Latency = Stopwatch.GetElapsedTime(written),
            IsFinal = isFinal,
        };
        Publish(_lastUpdate);
    }
}
