using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// Writes a recording's frames and sound into an <see cref="EmotionStreamSession"/> in time order, losing nothing: each
/// frame before the audio that reaches past its time (the stream judges a window once the audio reaches its end, so
/// its frames must be in by then).
/// </summary>
/// <remarks>
/// <para>A file must not lose frames, so frames go in with <see cref="EmotionStreamSession.WriteFrameAsync"/>, which waits
/// for room in the backlog as the audio writes do (a live camera would use <c>TryWriteFrame</c>, which drops).</para>
/// <para>Memory stays bounded: the stream's backlog (<see cref="StreamOptions.MaxBacklog"/>) plus one frame and one
/// tenth of a second of audio read ahead here; and no update is lost to a slow reader, since the input waits for it.</para>
/// </remarks>
internal sealed class StreamFeeder
{
    private readonly TimeSpan _maxLead;
    private long _readUntil;

    /// <summary>Creates a feeder.</summary>
    /// <param name="maxLead">How far the input written may run ahead of the last update read (<see cref="UpdateRead"/>)
    /// before more waits: the stream keeps at most <see cref="StreamOptions.MaxPendingUpdates"/> updates for a reader and
    /// drops older ones, so a reader held up (stdout piped into a pager) must hold up the input instead. What is written
    /// counts, not what comes next: the stream judges a window only once later input arrives, so holding back a frame far
    /// ahead (a slide show, a frame rate of one an hour) until the reader catches up would wait for ever. At least a
    /// window and a hop, so the stream can always close the next window.</param>
    public StreamFeeder(TimeSpan maxLead) => _maxLead = maxLead;

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
                while (Written - TimeSpan.FromTicks(Volatile.Read(ref _readUntil)) > _maxLead)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }

                if (frame is not null && (!chunk || frame.Time < audio!.ChunkEnd))
                {
                    await session.WriteFrameAsync(frame.CreateImage(), frame.Time, cancellationToken).ConfigureAwait(false);
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
}
