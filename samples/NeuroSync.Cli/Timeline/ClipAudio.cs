using NeuroSync.Audio;
using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>A decoded WAV file's sound, a tenth of a second at a time, at its own rate and channel count.</summary>
internal sealed class ClipAudio : ITimelineAudio
{
    private readonly AudioClip _clip;
    private readonly int _chunkFrames;
    private long _from;
    private long _to;

    /// <summary>Creates the chunks of a clip.</summary>
    /// <param name="clip">The clip.</param>
    public ClipAudio(AudioClip clip)
    {
        _clip = clip;
        _chunkFrames = Math.Max(1, clip.SampleRate / 10);
    }

    /// <inheritdoc/>
    public TimeSpan ChunkEnd => TimeSpan.FromTicks(_to * TimeSpan.TicksPerSecond / _clip.SampleRate);

    /// <inheritdoc/>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _from = _to;
        _to = Math.Min(_clip.FrameCount, _from + _chunkFrames);
        return ValueTask.FromResult(_to > _from);
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(EmotionStreamSession session, CancellationToken cancellationToken)
    {
        int channels = _clip.Channels;
        return session.WriteAudioAsync(_clip.Samples.Slice((int)_from * channels, (int)(_to - _from) * channels), _clip.SampleRate, channels, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
