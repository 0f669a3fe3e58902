using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>The sound of a recording, read a chunk at a time.</summary>
internal interface ITimelineAudio : IAsyncDisposable
{
    /// <summary>Gets the time on the recording's clock where the chunk read last ends (0 before the first).</summary>
    TimeSpan ChunkEnd { get; }

    /// <summary>Reads the next chunk.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns><see langword="false"/> after the last chunk.</returns>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes the chunk read last into a stream (waiting while its backlog is full).</summary>
    /// <param name="session">The stream.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the chunk is queued.</returns>
    ValueTask WriteAsync(EmotionStreamSession session, CancellationToken cancellationToken);
}
