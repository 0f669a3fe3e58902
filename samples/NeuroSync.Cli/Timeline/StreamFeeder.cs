using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// Writes a recording's frames and sound into an <see cref="EmotionStreamSession"/> in time order, losing nothing: each
/// frame before the audio that reaches past its time (the stream judges a window once the audio reaches its end, so
/// its frames must be in by then), and a frame the full backlog refused written again.
/// </summary>
/// <remarks>
/// <para>The stream drops a frame written while its backlog is full (a live camera must not fall behind), and has no
/// call that waits for room for a frame, as <see cref="EmotionStreamSession.WriteAudioAsync(ReadOnlyMemory{short}, int, int, CancellationToken)"/>
/// does for audio. A file must not lose frames, so a refused frame is written again, from a new image, after a pause
/// that doubles from 1 ms to 16 ms. The stream counts every refusal as a dropped frame; <see cref="Refusals"/> counts them
/// here, so the reader can tell them from frames the stream really lost.</para>
/// <para>Memory stays bounded: the stream's backlog (<see cref="StreamOptions.MaxBacklog"/>) plus one frame and one
/// tenth of a second of audio read ahead here; and no update is lost to a slow reader, since the input waits for it.</para>
/// </remarks>
internal sealed class StreamFeeder
{
    private const int MaxPauseMilliseconds = 16;

    private readonly TimeSpan _maxLead;
    private int _refusals;
    private long _readUntil;

    /// <summary>Creates a feeder.</summary>
    /// <param name="maxLead">How far the input written may run ahead of the last update read (<see cref="UpdateRead"/>):
    /// the stream keeps at most <see cref="StreamOptions.MaxPendingUpdates"/> updates for a reader and drops older ones,
    /// so a reader held up (stdout piped into a pager) must hold up the input instead. At least a window and a hop, so
    /// the stream can always close the next window.</param>
    public StreamFeeder(TimeSpan maxLead) => _maxLead = maxLead;

    /// <summary>Gets how many times the stream refused a frame that was then written again.</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    /// <summary>Gets the time of the latest input written (the end of the audio, or the last frame's time).</summary>
    public TimeSpan Written { get; private set; }

    /// <summary>Tells the feeder that the reader has taken the update of the window ending at <paramref name="windowEnd"/>.</summary>
    /// <param name="windowEnd">The window's end.</param>
    public void UpdateRead(TimeSpan windowEnd) => Volatile.Write(ref _readUntil, windowEnd.Ticks);

    /// <summary>Writes everything, then completes the stream (also when cancelled or failing, so the reader gets the
    /// windows of what was written).</summary>
    /// <param name="session">The stream.</param>
    /// <param name="frames">The frames, or <see langword="null"/> for none.</param>
    /// <param name="audio">The sound, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops writing (Ctrl+C).</param>
    /// <returns>A task that completes when all is written.</returns>
    public async Task FeedAsync(EmotionStreamSession session, ITimelineFrames? frames, ITimelineAudio? audio, CancellationToken cancellationToken)
    {
        try
        {
            ITimelineFrame? frame = frames is null ? null : await frames.ReadAsync(cancellationToken).ConfigureAwait(false);
            bool chunk = audio is not null && await audio.ReadAsync(cancellationToken).ConfigureAwait(false);
            while (frame is not null || chunk)
            {
                TimeSpan next = frame is not null && (!chunk || frame.Time < audio!.ChunkEnd) ? frame.Time : audio!.ChunkEnd;
                while (next - TimeSpan.FromTicks(Volatile.Read(ref _readUntil)) > _maxLead)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }

                if (frame is not null && (!chunk || frame.Time < audio!.ChunkEnd))
                {
                    await WriteFrameAsync(session, frame, cancellationToken).ConfigureAwait(false);
                    Written = frame.Time > Written ? frame.Time : Written;
                    frame = await frames!.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await audio!.WriteAsync(session, cancellationToken).ConfigureAwait(false);
                    Written = audio.ChunkEnd > Written ? audio.ChunkEnd : Written;
                    chunk = await audio.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            session.Complete();
        }
    }

    private async Task WriteFrameAsync(EmotionStreamSession session, ITimelineFrame frame, CancellationToken cancellationToken)
    {
        int pause = 1;
        while (!session.TryWriteFrame(frame.CreateImage(), frame.Time))
        {
            Interlocked.Increment(ref _refusals);
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = Math.Min(2 * pause, MaxPauseMilliseconds);
        }
    }
}
