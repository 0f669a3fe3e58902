using System.Diagnostics;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// A running ffmpeg that writes one stream to its standard output, read incrementally by the caller (so a whole video is
/// never in memory: ffmpeg waits while the pipe is full). Its stderr is read line by line as it comes, handed to a
/// callback, and the last lines are kept for the error message. Disposing kills ffmpeg if it is still running.
/// </summary>
internal sealed class FfmpegPipe : IAsyncDisposable
{
    private const int KeptLines = 8;

    private readonly Process _process;
    private readonly string _file;
    private readonly Func<string, bool>? _onLine;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _lock = new();
    private readonly Task _stderr;

    private FfmpegPipe(Process process, string file, Func<string, bool>? onLine)
    {
        _process = process;
        _file = file;
        _onLine = onLine;
        _stderr = Task.Run(PumpErrorsAsync);
    }

    /// <summary>Gets ffmpeg's standard output.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Gets a task that completes when ffmpeg's stderr has ended (it has exited, or is about to).</summary>
    public Task ErrorsEnded => _stderr;

    /// <summary>Starts ffmpeg.</summary>
    /// <param name="ffmpeg">The executable.</param>
    /// <param name="file">The input file, for messages.</param>
    /// <param name="arguments">The arguments after the common options (see <see cref="VideoExtraction.Start"/>).</param>
    /// <param name="logLevel">ffmpeg's <c>-loglevel</c>.</param>
    /// <param name="onLine">Called with each stderr line, on a thread of its own; returns <see langword="true"/> when it
    /// consumed the line (it is then not kept for the error message).</param>
    /// <returns>The running pipe, to dispose.</returns>
    public static FfmpegPipe Start(string ffmpeg, string file, IEnumerable<string> arguments, string logLevel = "error", Func<string, bool>? onLine = null) =>
        new(VideoExtraction.Start(ffmpeg, arguments, logLevel), file, onLine);

    /// <summary>Waits for ffmpeg to exit after its output ended, and reports a failure.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when ffmpeg exited successfully.</returns>
    /// <exception cref="CliInputException">ffmpeg failed.</exception>
    public async Task CheckExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _stderr.ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw Failure();
        }
    }

    /// <summary>Describes ffmpeg's failure with its last stderr lines.</summary>
    /// <returns>The exception to throw.</returns>
    public CliInputException Failure()
    {
        string reason;
        lock (_lock)
        {
            reason = string.Join(' ', _lastLines).Trim();
        }

        return new CliInputException($"Video '{Path.GetFileName(_file)}': expected a video ffmpeg can decode, found ffmpeg failing ({(reason.Length == 0 ? "no message" : reason)}).");
    }

    /// <summary>Kills ffmpeg if it is still running and releases the process.</summary>
    /// <returns>A task that completes when ffmpeg is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        try
        {
            await _stderr.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The pipe broke as ffmpeg was killed.
        }

        _process.Dispose();
    }

    private async Task PumpErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (_onLine?.Invoke(line) == true || line.Length == 0)
            {
                continue;
            }

            lock (_lock)
            {
                _lastLines.Enqueue(line.Trim());
                if (_lastLines.Count > KeptLines)
                {
                    _lastLines.Dequeue();
                }
            }
        }
    }
}
