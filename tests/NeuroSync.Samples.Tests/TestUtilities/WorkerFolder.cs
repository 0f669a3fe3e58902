using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuroSync.Cli;
using NeuroSync.Worker;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>
/// A temporary folder for the folder worker's tests, with a small video made at test time by ffmpeg (ffmpeg's test
/// pattern and a 440 Hz tone: 160x120 at 5 frames per second, 16 kHz mono AAC, a few KB) that is copied under as many
/// names as a test needs, and in-process worker hosts on the tiny model set. Deleted with the fixture.
/// </summary>
public sealed class WorkerFolder : IDisposable
{
    private readonly string _source;

    /// <summary>Makes the folder and the video.</summary>
    /// <param name="seconds">The video's length.</param>
    public WorkerFolder(double seconds = 3)
    {
        string ffmpeg = VideoExtraction.FindFfmpeg(Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("expected ffmpeg on PATH, found none: install it with 'apt-get install -y ffmpeg' (.ci/run does).");
        Root = Directory.CreateTempSubdirectory("neurosync-worker-test-").FullName;
        Folder = Path.Combine(Root, "inbox");
        Directory.CreateDirectory(Folder);
        _source = Path.Combine(Root, "source.mp4");
        var start = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true };
        foreach (string arg in (string[])[
            "-nostdin", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000",
            "-t", $"{seconds}", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "1", _source])
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg failed: {error}");
    }

    /// <summary>Gets the temporary folder (the watched folder and the source video are inside it).</summary>
    public string Root { get; }

    /// <summary>Gets the watched folder.</summary>
    public string Folder { get; }

    /// <summary>Copies the video into the watched folder.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The copy's path.</returns>
    public string AddVideo(string name)
    {
        string path = Path.Combine(Folder, name);
        File.Copy(_source, path);
        return path;
    }

    /// <summary>Writes random bytes under a video's name.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The file's path.</returns>
    public string AddCorrupt(string name)
    {
        string path = Path.Combine(Folder, name);
        var bytes = new byte[20_000];
        new Random(18).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Builds a worker host on the folder (the tiny models, quick polling, no file-age wait, no console logs).</summary>
    /// <param name="hooks">The test hooks.</param>
    /// <param name="settings">More settings, or overrides.</param>
    /// <returns>The host, not started.</returns>
    internal IHost CreateHost(WorkerHooks hooks, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["NeuroSync:ModelPath"] = Assets.TinyModels,
            ["Worker:InputFolder"] = Folder,
            ["Worker:PollInterval"] = "00:00:00.200",
            ["Worker:MinFileAge"] = "00:00:00",
            ["Worker:Hop"] = "1",
            ["Worker:Window"] = "2",
        };
        foreach (KeyValuePair<string, string?> setting in settings ?? new Dictionary<string, string?>())
        {
            all[setting.Key] = setting.Value;
        }

        return WorkerHost.CreateBuilder([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(hooks);
        }).Build();
    }

    /// <summary>Waits, generously, until a condition holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="seconds">The most to wait.</param>
    /// <returns>A task that completes when it holds.</returns>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 300)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"expected {what} within {seconds} s, found it had not happened");
            await Task.Delay(100);
        }
    }

    /// <summary>Gets the files of the watched folder (top level) whose name ends with a suffix.</summary>
    /// <param name="suffix">The suffix.</param>
    /// <returns>Their names, sorted.</returns>
    public string[] Files(string suffix) =>
        [.. Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Where(n => n!.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)!];

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
