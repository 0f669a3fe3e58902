using System.Diagnostics;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Worker;

namespace NeuroSync.Samples.Tests.Worker;

/// <summary>
/// The built worker as a separate process (the copy next to the tests, on the tiny set): SIGTERM while a video is being
/// processed, and SIGKILL followed by another worker that takes the dead one's claim over at once (same host, process
/// gone). Linux only (signals through <c>kill</c>); elsewhere they return at once.
/// </summary>
public sealed class WorkerProcessTests
{
    [Fact]
    public async Task Sigterm_mid_file_exits_cleanly_without_a_partial_result()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var folder = new WorkerFolder(seconds: 60);
        string video = folder.AddVideo("long.mp4");
        using Process worker = Start(folder);
        bool sawTemp = await SeeTempAsync(folder, worker);
        Signal(worker, "TERM");
        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(2)), "expected the worker to exit after SIGTERM");
        string output = await worker.StandardOutput.ReadToEndAsync();
        Assert.True(worker.ExitCode == 0, $"expected exit code 0 after SIGTERM, found {worker.ExitCode}: {output}");
        Assert.True(sawTemp, "expected the temporary result while the video was processed");

        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.Empty(folder.Files(FileClaim.Suffix));
        // Stopped mid-file (the usual case): no result. Had the file finished between the look and the signal, its result
        // is whole (it ends with the summary); never a partial one.
        string result = FolderWorker.ResultOf(video);
        Assert.True(!File.Exists(result) || File.ReadLines(result).Last().Contains("\"type\":\"summary\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_killed_workers_claim_is_taken_over_by_the_next_worker_at_once()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var folder = new WorkerFolder(seconds: 60);
        string video = folder.AddVideo("long.mp4");
        using (Process killed = Start(folder))
        {
            await SeeTempAsync(folder, killed);
            Signal(killed, "KILL");
            Assert.True(killed.WaitForExit(TimeSpan.FromMinutes(1)));
        }

        if (File.Exists(FolderWorker.ResultOf(video)))
        {
            return; // it finished before the kill: nothing left to take over
        }

        Assert.Single(folder.Files(FileClaim.Suffix)); // left behind by the killed worker
        // The claim names this host and a process that is gone: taken over without waiting for ClaimTimeout (an hour here).
        using Process next = Start(folder);
        try
        {
            await WorkerFolder.WaitUntilAsync(() => File.Exists(FolderWorker.ResultOf(video)), "the next worker's result");
        }
        finally
        {
            Signal(next, "TERM");
            next.WaitForExit(TimeSpan.FromMinutes(2));
        }

        Assert.Empty(folder.Files(FolderWorker.TempSuffix)); // the killed worker's temporary result too
        Assert.Empty(folder.Files(FileClaim.Suffix));
        Assert.Contains("\"type\":\"summary\"", File.ReadLines(FolderWorker.ResultOf(video)).Last(), StringComparison.Ordinal);
    }

    private static Process Start(WorkerFolder folder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[
            WorkerDll(),
            "--input", folder.Folder, "--models", Assets.TinyModels, "--hop", "0.5", "--window", "2", "--poll", "00:00:00.200",
            "--Worker:MinFileAge=00:00:00", "--Worker:HeartbeatInterval=00:01:00", "--Worker:ClaimTimeout=01:00:00"])
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>The worker in its own output folder, built with the tests (bin/&lt;configuration&gt;/net10.0 there too): the copy
    /// next to the tests cannot run alone, its Hosting assemblies come from the tests' ASP.NET Core shared framework.</summary>
    private static string WorkerDll()
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tests.Parent!.Name;
        string root = tests.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        string dll = Path.Combine(root, "samples", "NeuroSync.Worker", "bin", configuration, tests.Name, "NeuroSync.Worker.dll");
        Assert.True(File.Exists(dll), $"expected the built worker at {dll}, found none");
        return dll;
    }

    /// <summary>Waits until the worker has a temporary result (it is inside the video) or the result is there already.</summary>
    private static async Task<bool> SeeTempAsync(WorkerFolder folder, Process worker)
    {
        bool sawTemp = false;
        await WorkerFolder.WaitUntilAsync(
            () =>
            {
                Assert.False(worker.HasExited, "expected the worker running");
                sawTemp |= folder.Files(FolderWorker.TempSuffix).Length > 0;
                return sawTemp || folder.Files(FolderWorker.ResultSuffix).Length > 0;
            },
            "the worker inside the video");
        return sawTemp;
    }

    private static void Signal(Process process, string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
