using System.Diagnostics;
using System.Text.Json;

namespace NeuroSync.Worker;

/// <summary>
/// A worker's hold on one video: the file <c>&lt;video&gt;.claim</c> beside it, made with <see cref="FileMode.CreateNew"/>,
/// so of several workers (processes or hosts) only one can make it. It holds the worker's id, process id, host and start
/// time as JSON; its last-write time is the heartbeat, refreshed while the video is processed.
/// </summary>
/// <remarks>
/// <para><b>The stale rule.</b> A claim is stale, and another worker may take the video over, when its heartbeat (last-write
/// time) is older than <see cref="WorkerOptions.ClaimTimeout"/>, or at once when it names this host and a process id that is
/// not running. Taking over renames the stale claim to a unique name first (a rename succeeds for one worker only), checks
/// that what it moved is the claim it judged stale (same worker id; otherwise it moves it back), deletes it, then claims
/// the video afresh with <see cref="FileMode.CreateNew"/>.</para>
/// <para>Before publishing its result the owner checks that the claim file still holds its id; a worker whose claim was
/// taken over (it stalled past the timeout) drops its result instead.</para>
/// </remarks>
internal sealed class FileClaim : IDisposable
{
    /// <summary>The claim file's suffix.</summary>
    public const string Suffix = ".claim";

    private readonly string _path;
    private bool _released;

    private FileClaim(string path, ClaimRecord record)
    {
        _path = path;
        Record = record;
    }

    /// <summary>Gets the claim file's path.</summary>
    public string Path => _path;

    /// <summary>Gets what the claim file holds.</summary>
    public ClaimRecord Record { get; }

    /// <summary>Gets the claim file of a video.</summary>
    /// <param name="video">The video.</param>
    /// <returns>The claim file's path.</returns>
    public static string PathOf(string video) => video + Suffix;

    /// <summary>Tries to claim a video, taking over a stale claim.</summary>
    /// <param name="video">The video.</param>
    /// <param name="workerId">The claiming worker's id.</param>
    /// <param name="timeout">How old a heartbeat makes a claim stale.</param>
    /// <returns>The claim, or <see langword="null"/> when another worker holds it.</returns>
    public static FileClaim? TryAcquire(string video, string workerId, TimeSpan timeout)
    {
        string path = PathOf(video);
        var record = new ClaimRecord(workerId, Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);
        if (TryCreate(path, record))
        {
            return new FileClaim(path, record);
        }

        if (!IsStale(path, timeout, out ClaimRecord? stale))
        {
            return null;
        }

        string moved = $"{path}.stale-{Guid.NewGuid():N}";
        try
        {
            File.Move(path, moved);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // another worker took it over first
        }

        if (Read(moved)?.WorkerId != stale?.WorkerId)
        {
            // Between the look and the rename another worker took it over and claimed it afresh: give its claim back.
            try
            {
                File.Move(moved, path);
            }
            catch (IOException)
            {
                File.Delete(moved);
            }

            return null;
        }

        File.Delete(moved);
        return TryCreate(path, record) ? new FileClaim(path, record) : null;
    }

    /// <summary>Refreshes the heartbeat.</summary>
    public void Beat()
    {
        // Never refresh a claim that another worker took over.
        if (StillHeld())
        {
            File.SetLastWriteTimeUtc(_path, DateTime.UtcNow);
        }
    }

    /// <summary>Checks that the claim file is still this claim (not taken over as stale).</summary>
    /// <returns>Whether this worker still holds the video.</returns>
    public bool StillHeld() => !_released && Read(_path)?.WorkerId == Record.WorkerId;

    /// <summary>Deletes the claim file if it is still this claim.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        if (Read(_path)?.WorkerId == Record.WorkerId)
        {
            File.Delete(_path);
        }
    }

    /// <summary>Whether a claim file is stale (see the remarks).</summary>
    /// <param name="path">The claim file.</param>
    /// <param name="timeout">How old a heartbeat makes it stale.</param>
    /// <param name="record">What it holds, or <see langword="null"/> when unreadable.</param>
    /// <returns>Whether another worker may take it over.</returns>
    internal static bool IsStale(string path, TimeSpan timeout, out ClaimRecord? record)
    {
        record = null;
        DateTime beat;
        try
        {
            beat = File.GetLastWriteTimeUtc(path);
            record = Read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        if (!File.Exists(path))
        {
            return false;
        }

        if (DateTime.UtcNow - beat > timeout)
        {
            return true;
        }

        // A worker on this host whose process is gone cannot come back: no need to wait for the timeout.
        return record is not null && string.Equals(record.Host, Environment.MachineName, StringComparison.Ordinal) && !IsRunning(record.ProcessId);
    }

    private static bool TryCreate(string path, ClaimRecord record)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            JsonSerializer.Serialize(stream, record, WorkerJsonContext.Default.ClaimRecord);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static ClaimRecord? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), WorkerJsonContext.Default.ClaimRecord);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>What a claim file holds.</summary>
/// <param name="WorkerId">The worker's id (unique per host instance, so two hosts in one process differ).</param>
/// <param name="ProcessId">The worker's process id.</param>
/// <param name="Host">The worker's machine name.</param>
/// <param name="Started">When the claim was made.</param>
internal sealed record ClaimRecord(string WorkerId, int ProcessId, string Host, DateTimeOffset Started);
