using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuroSync.Cli;
using NeuroSync.Cli.Output;

namespace NeuroSync.Worker;

/// <summary>
/// Watches <see cref="WorkerOptions.InputFolder"/>: every <see cref="WorkerOptions.PollInterval"/> it lists the videos
/// matching <see cref="WorkerOptions.Patterns"/> that have no result yet, claims one at a time (<see cref="FileClaim"/>),
/// runs its timeline (<see cref="VideoTimeline"/>) into a temporary file and renames it to
/// <c>&lt;video&gt;.neurosync.jsonl</c> when complete.
/// </summary>
/// <remarks>
/// <para>A video that fails (ffmpeg cannot decode it, a model fails on it) is moved into <c>failed/</c> with
/// <c>&lt;video&gt;.error.txt</c> beside it, and the worker goes on with the rest. A failure of the machine rather than
/// of the video (an <see cref="IOException"/> or a denied access, such as a full disk while the result is written) leaves
/// the video where it is, to be tried again on a later scan; only after <see cref="MaxAttempts"/> such failures in a row
/// is it set aside too, so that a persistent fault does not hold the worker on one file.</para>
/// <para>Stopping (Ctrl+C, SIGTERM, the host stopping) mid-file deletes the temporary file and releases the claim, so no
/// partial result exists under the final name and the video is processed on the next run.</para>
/// </remarks>
internal sealed partial class FolderWorker : BackgroundService
{
    /// <summary>The suffix of a result file.</summary>
    public const string ResultSuffix = ".neurosync.jsonl";

    /// <summary>The suffix of a result being written.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>The sub-folder failed videos are moved into.</summary>
    public const string FailedFolder = "failed";

    /// <summary>The suffix of the note written beside a video set aside in <see cref="FailedFolder"/>.</summary>
    public const string ErrorNoteSuffix = ".error.txt";

    /// <summary>How many times in a row a video may fail for a machine fault before it is set aside.</summary>
    public const int MaxAttempts = 3;

    private readonly WorkerOptions _options;
    private readonly VideoTimeline _timeline;
    private readonly WorkerHooks _hooks;
    private readonly ILogger<FolderWorker> _logger;
    private readonly string _workerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    // Only the one ExecuteAsync loop touches these. A video that failed for a machine fault waits for the next tick; one
    // this worker can neither claim nor set aside (a name too long for its claim or temporary file, a failed/ that
    // cannot be made) is left alone until the worker restarts, rather than tried again at once, for ever.
    private readonly Dictionary<string, int> _faults = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retryNextTick = new(StringComparer.Ordinal);
    private readonly HashSet<string> _leftAlone = new(StringComparer.Ordinal);

    /// <summary>Creates the worker.</summary>
    /// <param name="recognizer">The recognizer <c>AddNeuroSync</c> registered.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="hooks">Test hooks.</param>
    /// <param name="logger">The log.</param>
    public FolderWorker(IEmotionRecognizer recognizer, IOptions<WorkerOptions> options, WorkerHooks hooks, ILogger<FolderWorker> logger)
    {
        _options = options.Value;
        _timeline = new VideoTimeline(recognizer, _options, hooks);
        _hooks = hooks;
        _logger = logger;
    }

    /// <summary>Gets the result file of a video.</summary>
    /// <param name="video">The video.</param>
    /// <returns>Its path.</returns>
    public static string ResultOf(string video) => video + ResultSuffix;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string folder = Path.GetFullPath(_options.InputFolder);
        LogWatching(folder, _options.Patterns, _workerId);
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            do
            {
                _retryNextTick.Clear();

                // Take files until a scan finds nothing to take, then wait for the next tick.
                while (!stoppingToken.IsCancellationRequested && await TakeOneAsync(folder, stoppingToken).ConfigureAwait(false))
                {
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the file in progress was already cleaned up.
        }

        LogStopped(_workerId);
    }

    /// <summary>Lists the candidates, in name order: matching, old enough, without a result or a live claim.</summary>
    private List<string> Candidates(string folder)
    {
        DateTime now = DateTime.UtcNow;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string pattern in _options.PatternList())
        {
            foreach (string file in Directory.EnumerateFiles(folder, pattern, new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false }))
            {
                files.Add(file);
            }
        }

        return [.. files.Where(f => !IsOwnFile(f) && !_retryNextTick.Contains(f) && !_leftAlone.Contains(f) && !File.Exists(ResultOf(f))
            && now - File.GetLastWriteTimeUtc(f) >= _options.MinFileAge)];
    }

    /// <summary>Whether a file is one the workers write (a result, a claim, a temporary result, an error note), which a wide
    /// pattern such as <c>*</c> also matches.</summary>
    private static bool IsOwnFile(string file) =>
        file.EndsWith(ResultSuffix, StringComparison.OrdinalIgnoreCase) || file.EndsWith(FileClaim.Suffix, StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(TempSuffix, StringComparison.OrdinalIgnoreCase) || file.EndsWith(ErrorNoteSuffix, StringComparison.OrdinalIgnoreCase);

    private async Task<bool> TakeOneAsync(string folder, CancellationToken stoppingToken)
    {
        List<string> candidates;
        try
        {
            candidates = Candidates(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is gone or unreadable for now: try again on the next tick.
            LogScanFailed(folder, ex.Message);
            return false;
        }

        foreach (string video in candidates)
        {
            FileClaim? claim;
            try
            {
                claim = FileClaim.TryAcquire(video, _workerId, _options.ClaimTimeout);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _leftAlone.Add(video);
                LogLeftAlone(Path.GetFileName(video), ex.Message);
                continue;
            }

            if (claim is null)
            {
                continue;
            }

            using (claim)
            {
                // Another worker may have finished it between the listing and the claim.
                if (!File.Exists(video) || File.Exists(ResultOf(video)))
                {
                    continue;
                }

                // Holding the claim, any temporary result of this video is a killed worker's: delete it.
                // Matched by prefix, not as a search pattern: a video named with '*' or '?' must not reach other videos' files.
                string prefix = ResultOf(video) + ".";
                foreach (string orphan in Directory.EnumerateFiles(folder, "*" + TempSuffix).Where(f => f.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    File.Delete(orphan);
                }

                await ProcessAsync(video, claim, stoppingToken).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    private async Task ProcessAsync(string video, FileClaim claim, CancellationToken stoppingToken)
    {
        string result = ResultOf(video);
        string temp = $"{result}.{Guid.NewGuid():N}{TempSuffix}";
        string name = Path.GetFileName(video);
        LogStarted(name);
        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task heartbeat = BeatAsync(claim, heartbeatStop.Token);
        try
        {
            TimelineSummaryReport summary;
            await using (var output = new StreamWriter(temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                summary = await _timeline.RunAsync(video, output, stoppingToken).ConfigureAwait(false);
            }

            if (!claim.StillHeld())
            {
                LogLostClaim(name);
                DeleteQuietly(temp);
                return;
            }

            try
            {
                // Atomic on one volume: the result appears whole or not at all. Never over another worker's result.
                File.Move(temp, result, overwrite: false);
            }
            catch (IOException) when (File.Exists(result))
            {
                DeleteQuietly(temp);
                return;
            }

            _faults.Remove(video);
            LogDone(name, summary.Windows, summary.Dominant ?? "-");
            _hooks.Completed?.Invoke(video);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            DeleteQuietly(temp);
            LogCancelled(name);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temp);
            int faults = _faults[video] = _faults.GetValueOrDefault(video) + 1;
            if (faults < MaxAttempts)
            {
                _retryNextTick.Add(video);
                LogFault(name, faults, MaxAttempts, ex.Message);
            }
            else
            {
                _faults.Remove(video);
                SetAside(video, ex);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            DeleteQuietly(temp);
            _faults.Remove(video);
            SetAside(video, ex);
        }
        finally
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(heartbeat).ConfigureAwait(false);
        }
    }

    private async Task BeatAsync(FileClaim claim, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    claim.Beat();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A denied write must not end the heartbeat either: a claim left to go stale is taken by another worker.
                    LogHeartbeatFailed(claim.Path, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The file is done.
        }
    }

    /// <summary>Moves a failed video into <c>failed/</c> (under a free name) with an error note beside it.</summary>
    private void SetAside(string video, Exception error)
    {
        string name = Path.GetFileName(video);
        if (error is CliInputException or NeuroSyncException)
        {
            LogFailed(name, error.Message); // an input the worker cannot use: the message says all
        }
        else
        {
            LogFailedUnexpectedly(error, name, error.Message);
        }

        try
        {
            string failed = Path.Combine(Path.GetDirectoryName(video)!, FailedFolder);
            Directory.CreateDirectory(failed);
            string target = Path.Combine(failed, name);
            for (int i = 1; File.Exists(target) || File.Exists(target + ErrorNoteSuffix); i++)
            {
                target = Path.Combine(failed, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(name)}.{i}{Path.GetExtension(name)}"));
            }

            File.WriteAllText(target + ErrorNoteSuffix, string.Create(CultureInfo.InvariantCulture, $"{name}: {error.GetType().Name}: {error.Message}{Environment.NewLine}at {DateTimeOffset.UtcNow:O} by {_workerId}{Environment.NewLine}"));
            File.Move(video, target);
            _hooks.Failed?.Invoke(video);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _leftAlone.Add(video);
            LogSetAsideFailed(name, ex.Message);
        }
    }

    /// <summary>Deletes a temporary result on a failure path, where a second failure (the same too-long name that caused the
    /// first) must not escape the handler and stop the worker.</summary>
    private void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogTempNotDeleted(path, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Folder} for {Patterns} (worker {WorkerId})")]
    private partial void LogWatching(string folder, string patterns, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped (worker {WorkerId})")]
    private partial void LogStopped(string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Video}: started")]
    private partial void LogStarted(string video);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Video}: done, {Windows} windows, mostly {Dominant}")]
    private partial void LogDone(string video, int windows, string dominant);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Video}: stopped mid-file; no result written, claim released")]
    private partial void LogCancelled(string video);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Video}: failed for a machine fault ({Attempt} of {MaxAttempts}), left in place to try again: {Reason}")]
    private partial void LogFault(string video, int attempt, int maxAttempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Video}: the claim was taken over (stale heartbeat); result dropped")]
    private partial void LogLostClaim(string video);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Video}: failed, moved into failed/: {Reason}")]
    private partial void LogFailed(string video, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Video}: failed, moved into failed/: {Reason}")]
    private partial void LogFailedUnexpectedly(Exception error, string video, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Folder}: cannot be listed now: {Reason}")]
    private partial void LogScanFailed(string folder, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Video}: cannot be claimed, left alone until the worker restarts: {Reason}")]
    private partial void LogLeftAlone(string video, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: temporary result not deleted: {Reason}")]
    private partial void LogTempNotDeleted(string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Video}: could not be moved into failed/, left alone until the worker restarts: {Reason}")]
    private partial void LogSetAsideFailed(string video, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Claim}: heartbeat failed: {Reason}")]
    private partial void LogHeartbeatFailed(string claim, string reason);
}
