using System.Runtime.InteropServices;
using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// The first audio stream of a file, decoded by ffmpeg into a pipe as 16 kHz mono 16-bit PCM (as <c>analyze --video</c>
/// and the original system extract it), a tenth of a second at a time.
/// </summary>
/// <remarks><c>aresample=async=1:first_pts=0</c> keeps the samples on the file's clock: silence is inserted where the
/// audio starts after 0 or has a gap, so sample n is at n / 16000 s, the clock the frames' times are on.</remarks>
internal sealed class PipeAudio : ITimelineAudio
{
    /// <summary>The rate ffmpeg resamples to.</summary>
    public const int SampleRate = 16_000;

    private const int ChunkSamples = SampleRate / 10;

    private readonly FfmpegPipe _pipe;
    private readonly byte[] _buffer = new byte[ChunkSamples * sizeof(short)];
    private readonly short[] _chunk = new short[ChunkSamples];
    private int _samples;
    private long _total;

    private PipeAudio(string ffmpeg, string file)
    {
        _pipe = FfmpegPipe.Start(
            ffmpeg,
            file,
            ["-i", file, "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", "aresample=async=1:first_pts=0", "-ac", "1", "-ar", "16000", "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"]);
    }

    /// <inheritdoc/>
    public TimeSpan ChunkEnd => TimeSpan.FromTicks(_total * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>Starts ffmpeg on a file's first audio stream.</summary>
    /// <param name="ffmpeg">The executable.</param>
    /// <param name="file">The file.</param>
    /// <returns>The audio, to dispose.</returns>
    public static PipeAudio Start(string ffmpeg, string file) => new(ffmpeg, file);

    /// <inheritdoc/>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        int read = await _pipe.Output.ReadAtLeastAsync(_buffer, _buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _samples = read / sizeof(short);
        if (_samples == 0)
        {
            await _pipe.CheckExitAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        _total += _samples;
        return true;
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(EmotionStreamSession session, CancellationToken cancellationToken)
    {
        // The stream copies the chunk, so one buffer serves every chunk (ffmpeg writes little-endian, as x64 and ARM64 are).
        MemoryMarshal.Cast<byte, short>(_buffer.AsSpan(0, _samples * sizeof(short))).CopyTo(_chunk);
        return session.WriteAudioAsync(_chunk.AsMemory(0, _samples), SampleRate, 1, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _pipe.DisposeAsync();
}
