using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Worker;

namespace NeuroSync.Samples.Tests.Worker;

/// <summary>
/// The folder worker (samples/NeuroSync.Worker) as hosts in this process, on the tiny model set and small videos made by
/// ffmpeg at test time: results beside the videos, a corrupt file set aside, two workers sharing a folder, and stopping
/// mid-file. Waits are generous and nothing is timed, so a loaded machine only makes them slower.
/// </summary>
public sealed class FolderWorkerTests
{
    [Fact]
    public async Task Five_videos_one_corrupt_give_four_results_and_one_set_aside()
    {
        using var folder = new WorkerFolder();
        string[] good = ["a.mp4", "b.mp4", "c.MP4", "d.mp4"];
        foreach (string name in good)
        {
            folder.AddVideo(name);
        }

        folder.AddCorrupt("broken.mp4");
        File.WriteAllText(Path.Combine(folder.Folder, "notes.txt"), "not a video pattern");
        var hooks = new WorkerHooks();
        int failed = 0;
        hooks.Failed = _ => Interlocked.Increment(ref failed);
        using IHost host = folder.CreateHost(hooks);
        await host.StartAsync();
        string failedFolder = Path.Combine(folder.Folder, FolderWorker.FailedFolder);
        await WorkerFolder.WaitUntilAsync(
            () => folder.Files(FolderWorker.ResultSuffix).Length == 4 && File.Exists(Path.Combine(failedFolder, "broken.mp4")),
            "four results and broken.mp4 in failed/");
        await host.StopAsync();

        Assert.Equal([.. good.Select(n => n + FolderWorker.ResultSuffix).Order(StringComparer.Ordinal)], folder.Files(FolderWorker.ResultSuffix));
        Assert.False(File.Exists(Path.Combine(folder.Folder, "broken.mp4")));
        Assert.Equal(1, failed);
        string note = File.ReadAllText(Path.Combine(failedFolder, "broken.mp4.error.txt"));
        Assert.Contains("broken.mp4", note, StringComparison.Ordinal);
        Assert.Contains("expected a video ffmpeg can decode", note, StringComparison.Ordinal);
        Assert.Empty(folder.Files(FileClaim.Suffix));
        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.False(File.Exists(Path.Combine(folder.Folder, "notes.txt" + FolderWorker.ResultSuffix)));

        foreach (string name in good)
        {
            string[] lines = File.ReadAllLines(Path.Combine(folder.Folder, name + FolderWorker.ResultSuffix));
            Assert.True(lines.Length >= 4, $"expected a row per window (3 s, hop 1 s) and a summary, found {lines.Length} lines");
            using (JsonDocument first = JsonDocument.Parse(lines[0]))
            {
                Assert.Equal("window", first.RootElement.GetProperty("type").GetString());
                Assert.Equal(0, first.RootElement.GetProperty("sequence").GetInt64());
            }

            using JsonDocument summary = JsonDocument.Parse(lines[^1]);
            Assert.Equal("summary", summary.RootElement.GetProperty("type").GetString());
            Assert.Equal(name, summary.RootElement.GetProperty("input").GetString());
            Assert.True(summary.RootElement.GetProperty("complete").GetBoolean());
            Assert.Equal(lines.Length - 1, summary.RootElement.GetProperty("windows").GetInt32());
            Assert.Equal(1, summary.RootElement.GetProperty("hop").GetDouble());
            Assert.Equal(2, summary.RootElement.GetProperty("window").GetDouble());
        }
    }

    [Fact]
    public async Task A_machine_fault_leaves_the_video_in_place_and_a_later_scan_finishes_it()
    {
        using var folder = new WorkerFolder();
        string video = folder.AddVideo("a.mp4");
        int rows = 0;
        var hooks = new WorkerHooks
        {
            // The disk fills up after the first attempt's first row.
            WindowWritten = (_, _) => Interlocked.Increment(ref rows) == 1 ? throw new IOException("No space left on device") : Task.CompletedTask,
        };
        using IHost host = folder.CreateHost(hooks);
        await host.StartAsync();
        await WorkerFolder.WaitUntilAsync(() => File.Exists(FolderWorker.ResultOf(video)), "the result after the fault");
        await host.StopAsync();

        Assert.True(File.Exists(video));
        Assert.False(Directory.Exists(Path.Combine(folder.Folder, FolderWorker.FailedFolder)));
        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.Empty(folder.Files(FileClaim.Suffix));
        Assert.True(File.ReadAllLines(FolderWorker.ResultOf(video)).Length >= 4);
    }

    [Fact]
    public async Task A_machine_fault_every_time_sets_the_video_aside_after_MaxAttempts()
    {
        using var folder = new WorkerFolder();
        folder.AddVideo("a.mp4");
        int attempts = 0;
        var hooks = new WorkerHooks
        {
            WindowWritten = (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new IOException("No space left on device");
            },
        };
        using IHost host = folder.CreateHost(hooks);
        await host.StartAsync();
        string failedFolder = Path.Combine(folder.Folder, FolderWorker.FailedFolder);
        await WorkerFolder.WaitUntilAsync(() => File.Exists(Path.Combine(failedFolder, "a.mp4")), "a.mp4 in failed/");
        await host.StopAsync();

        Assert.Equal(FolderWorker.MaxAttempts, attempts);
        Assert.Contains("No space left on device", File.ReadAllText(Path.Combine(failedFolder, "a.mp4.error.txt")), StringComparison.Ordinal);
        Assert.Empty(folder.Files(FolderWorker.ResultSuffix));
        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.Empty(folder.Files(FileClaim.Suffix));
    }

    [Fact]
    public async Task Two_workers_on_one_folder_process_each_video_exactly_once()
    {
        using var folder = new WorkerFolder(seconds: 1);
        const int Count = 12;
        string[] names = [.. Enumerable.Range(0, Count).Select(i => $"clip{i:00}.mp4")];
        foreach (string name in names)
        {
            folder.AddVideo(name);
        }

        var done = new ConcurrentQueue<(int Worker, string Video)>();
        var started = new ConcurrentDictionary<(int Worker, string Video), bool>();
        var hooks = new[] { new WorkerHooks(), new WorkerHooks() };
        for (int i = 0; i < hooks.Length; i++)
        {
            int worker = i;
            hooks[i].Completed = video => done.Enqueue((worker, Path.GetFileName(video)));
            // Any window written counts as taking the video, published or not.
            hooks[i].WindowWritten = (video, _) =>
            {
                started.TryAdd((worker, Path.GetFileName(video)), true);
                return Task.CompletedTask;
            };
        }

        using IHost first = folder.CreateHost(hooks[0]);
        using IHost second = folder.CreateHost(hooks[1]);
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        await WorkerFolder.WaitUntilAsync(() => folder.Files(FolderWorker.ResultSuffix).Length == Count, $"{Count} results");
        // Let a worker that may still be on a duplicate (it would not publish it, but would report it) finish it.
        await WorkerFolder.WaitUntilAsync(() => folder.Files(FileClaim.Suffix).Length == 0, "no claim left");
        await Task.WhenAll(first.StopAsync(), second.StopAsync());

        string[] processed = [.. done.Select(d => d.Video).Order(StringComparer.Ordinal)];
        Assert.Equal(names, processed); // each once: none missing, none twice
        string[] read = [.. started.Keys.Select(k => k.Video).Order(StringComparer.Ordinal)];
        Assert.Equal(names, read); // no video read by both workers
        Assert.Equal([.. names.Select(n => n + FolderWorker.ResultSuffix)], folder.Files(FolderWorker.ResultSuffix));
        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.False(Directory.Exists(Path.Combine(folder.Folder, FolderWorker.FailedFolder)));
    }

    [Fact]
    public async Task Stopping_mid_file_leaves_no_result_and_no_temp_file_and_releases_the_claim()
    {
        using var folder = new WorkerFolder();
        string video = folder.AddVideo("long.mp4");
        var firstRow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new WorkerHooks
        {
            // Hold the worker inside the file after its first row, until the host stops it.
            WindowWritten = async (_, stopping) =>
            {
                firstRow.TrySetResult();
                await Task.Delay(Timeout.Infinite, stopping);
            },
        };
        using (IHost host = folder.CreateHost(hooks))
        {
            await host.StartAsync();
            await firstRow.Task.WaitAsync(TimeSpan.FromMinutes(5));
            Assert.Single(folder.Files(FolderWorker.TempSuffix));
            Assert.Single(folder.Files(FileClaim.Suffix));
            await host.StopAsync();
        }

        Assert.Empty(folder.Files(FolderWorker.ResultSuffix));
        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
        Assert.Empty(folder.Files(FileClaim.Suffix));
        Assert.True(File.Exists(video));
        Assert.False(Directory.Exists(Path.Combine(folder.Folder, FolderWorker.FailedFolder)));

        // The claim was released: the next run takes the video.
        using (IHost again = folder.CreateHost(new WorkerHooks()))
        {
            await again.StartAsync();
            await WorkerFolder.WaitUntilAsync(() => File.Exists(FolderWorker.ResultOf(video)), "the result on the next run");
            await again.StopAsync();
        }

        Assert.Empty(folder.Files(FolderWorker.TempSuffix));
    }

    [Fact]
    public async Task A_stale_claim_of_a_killed_worker_is_taken_over_and_a_live_one_is_left_alone()
    {
        using var folder = new WorkerFolder(seconds: 1);
        string orphan = folder.AddVideo("orphan.mp4");
        string held = folder.AddVideo("held.mp4");
        // A claim whose heartbeat stopped long ago (a worker on another host, killed), and one that is fresh and names this
        // (running) process under another worker id.
        File.WriteAllText(FileClaim.PathOf(orphan), """{"workerId":"gone","processId":1,"host":"elsewhere","started":"2026-01-01T00:00:00+00:00"}""");
        File.SetLastWriteTimeUtc(FileClaim.PathOf(orphan), DateTime.UtcNow - TimeSpan.FromHours(1));
        string orphanTemp = FolderWorker.ResultOf(orphan) + ".0123456789abcdef" + FolderWorker.TempSuffix;
        File.WriteAllText(orphanTemp, "{\"type\":\"window\"");
        File.WriteAllText(FileClaim.PathOf(held), $$"""{"workerId":"alive","processId":{{Environment.ProcessId}},"host":"{{Environment.MachineName}}","started":"2026-01-01T00:00:00+00:00"}""");

        var hooks = new WorkerHooks();
        var done = new ConcurrentQueue<string>();
        hooks.Completed = v => done.Enqueue(Path.GetFileName(v));
        using IHost host = folder.CreateHost(hooks);
        await host.StartAsync();
        await WorkerFolder.WaitUntilAsync(() => File.Exists(FolderWorker.ResultOf(orphan)), "the orphan's result");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a few more scans
        await host.StopAsync();

        Assert.Equal(["orphan.mp4"], done);
        Assert.False(File.Exists(FolderWorker.ResultOf(held)));
        Assert.True(File.Exists(FileClaim.PathOf(held)), "expected the live claim kept");
        Assert.False(File.Exists(FileClaim.PathOf(orphan)));
        Assert.False(File.Exists(orphanTemp), "expected the killed worker's temporary result deleted");
    }

    [Fact]
    public void Of_many_claims_at_once_on_one_file_exactly_one_wins()
    {
        string folder = Directory.CreateTempSubdirectory("neurosync-claim-test-").FullName;
        try
        {
            string video = Path.Combine(folder, "v.mp4");
            File.WriteAllBytes(video, [0]);
            using var gate = new Barrier(8);
            FileClaim?[] claims = new FileClaim?[8];
            Parallel.For(0, claims.Length, new ParallelOptions { MaxDegreeOfParallelism = claims.Length }, i =>
            {
                gate.SignalAndWait();
                claims[i] = FileClaim.TryAcquire(video, $"worker{i}", TimeSpan.FromMinutes(1));
            });
            Assert.Single(claims, c => c is not null);
            FileClaim winner = claims.Single(c => c is not null)!;
            Assert.True(winner.StillHeld());
            Assert.Null(FileClaim.TryAcquire(video, "late", TimeSpan.FromMinutes(1)));
            winner.Dispose();
            Assert.False(File.Exists(FileClaim.PathOf(video)));
            using FileClaim? next = FileClaim.TryAcquire(video, "next", TimeSpan.FromMinutes(1));
            Assert.NotNull(next);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_naming_the_setting()
    {
        using var folder = new WorkerFolder(seconds: 1);
        using IHost host = folder.CreateHost(new WorkerHooks(), new Dictionary<string, string?>
        {
            ["Worker:InputFolder"] = Path.Combine(folder.Root, "missing"),
            ["Worker:Hop"] = "0",
        });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Worker:InputFolder", error.Message, StringComparison.Ordinal);
        Assert.Contains("Worker:Hop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VideoWithANameTooLongForItsTemporaryResult_IsSetAside_AndTheWorkerGoesOn()
    {
        // 224 bytes: its claim fits the 255-byte name limit, its temporary result (53 bytes more) does not.
        using var folder = new WorkerFolder(seconds: 1);
        string longName = folder.AddVideo(new string('a', 220) + ".mp4");
        string next = folder.AddVideo("b.mp4");
        using IHost host = folder.CreateHost(new WorkerHooks());
        await host.StartAsync();

        await WorkerFolder.WaitUntilAsync(() => (File.Exists(FolderWorker.ResultOf(next)) && !File.Exists(longName)) || Loop(host).IsCompleted, "b's result and the long name set aside", 120);
        await host.StopAsync();

        Assert.False(Loop(host).IsFaulted, Loop(host).Exception?.ToString());
        Assert.True(File.Exists(Path.Combine(folder.Folder, FolderWorker.FailedFolder, Path.GetFileName(longName))));
    }

    [Fact]
    public async Task PatternStar_LeavesTheWorkersOwnFilesAlone()
    {
        using var folder = new WorkerFolder(seconds: 1);
        string video = folder.AddVideo("a.mp4");
        int completed = 0;
        using IHost host = folder.CreateHost(new WorkerHooks { Completed = _ => Interlocked.Increment(ref completed) }, new Dictionary<string, string?> { ["Worker:Patterns"] = "*" });
        await host.StartAsync();

        await WorkerFolder.WaitUntilAsync(() => File.Exists(FolderWorker.ResultOf(video)), "a's result", 120);
        // A few more scans: the result must not be taken as a video.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.StopAsync();

        Assert.True(File.Exists(FolderWorker.ResultOf(video)));
        Assert.False(Directory.Exists(Path.Combine(folder.Folder, FolderWorker.FailedFolder)));
        Assert.Equal(1, completed);
    }

    [Fact]
    public async Task FailureThatCannotBeSetAside_IsNotRetriedAtOnce()
    {
        using var folder = new WorkerFolder(seconds: 1);
        folder.AddVideo("a.mp4");
        // A plain file where failed/ would be made.
        File.WriteAllText(Path.Combine(folder.Folder, FolderWorker.FailedFolder), "not a folder");
        int attempts = 0;
        var hooks = new WorkerHooks { WindowWritten = (_, _) => { Interlocked.Increment(ref attempts); throw new InvalidOperationException("model failed"); } };
        using IHost host = folder.CreateHost(hooks, new Dictionary<string, string?> { ["Worker:PollInterval"] = "00:01:00" });
        await host.StartAsync();

        await WorkerFolder.WaitUntilAsync(() => Volatile.Read(ref attempts) > 0, "the first attempt", 120);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.StopAsync();

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task HopLongerThanTheModelSetsClipLength_IsRefusedAtStart()
    {
        using var folder = new WorkerFolder(seconds: 1);
        using IHost host = folder.CreateHost(new WorkerHooks(), new Dictionary<string, string?> { ["Worker:Window"] = null, ["Worker:Hop"] = "50" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Worker:Hop 50: expected at most the window (7 s, the model set's clip length)", error.Message, StringComparison.Ordinal);
    }

    private static Task Loop(IHost host) => host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single().ExecuteTask!;
}
