using System.Diagnostics;
using NeuroSync.Cli;
using NeuroSync.Samples.Tests.TestUtilities;

namespace NeuroSync.Samples.Tests.Cli;

public sealed class CliTests
{
    private static readonly string LiteModels = Path.Combine(AppContext.BaseDirectory, "models", "lite");

    [Theory]
    [InlineData("detect-faces")]
    [InlineData("preprocess-audio")]
    [InlineData("preprocess-frames")]
    [InlineData("analyze")]
    [InlineData("evaluate")]
    [InlineData("demo")]
    public void EveryCommand_HasHelp(string command)
    {
        (int code, string output, string error) = Run(command, "--help");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains($"neurosync {command}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodes_TellUsageInputAndModelErrorsApart()
    {
        string models = CopyOfTinyModels();
        try
        {
            Assert.Equal(ExitCodes.UsageError, Run("analyze", "--no-such-option").Code);
            Assert.Equal(ExitCodes.UsageError, Run("analyze", "--models", models).Code);
            Assert.Equal(ExitCodes.UsageError, Run("analyze", "--models", models, "--video", "a.mp4", "--audio", Assets.SpeechWav).Code);
            Assert.Equal(ExitCodes.InputError, Run("analyze", "--models", models, "--audio", Path.Combine(models, "missing.wav")).Code);
            Assert.Equal(ExitCodes.InputError, Run("analyze", "--models", models, "--audio", Assets.FacePng).Code);
            Assert.Equal(ExitCodes.Success, Run("analyze", "--models", models, "--audio", Assets.SpeechWav).Code);

            File.WriteAllBytes(Path.Combine(models, "fusion.onnx"), [1, 2, 3]);
            (int code, _, string error) = Run("analyze", "--models", models, "--audio", Assets.SpeechWav);
            Assert.Equal(ExitCodes.ModelError, code);
            Assert.Contains("fusion.onnx", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public void AnalyzeVideo_ExtractsFramesAndSoundWithFfmpeg_AndLeavesNoTemporaryFiles()
    {
        string ffmpeg = VideoExtraction.FindFfmpeg(Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("expected ffmpeg on PATH, found none: install it with 'apt-get install -y ffmpeg' (.ci/run does).");
        string work = Directory.CreateTempSubdirectory("neurosync-cli-test-").FullName;
        try
        {
            string video = Path.Combine(work, "clip.mp4");
            RunProcess(ffmpeg, "-nostdin", "-loglevel", "error", "-loop", "1", "-framerate", "30", "-t", "2", "-i", Assets.FacePng, "-i", Assets.SpeechWav,
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "2", video);
            string[] before = TemporaryExtractions();

            (int code, string output, string error) = Run("analyze", "--models", LiteModels, "--video", video, "--json");

            Assert.True(code == 0, error);
            using var json = System.Text.Json.JsonDocument.Parse(output);
            Assert.Equal("happy", json.RootElement.GetProperty("label").GetString());
            Assert.Equal("available", json.RootElement.GetProperty("audio").GetProperty("status").GetString());
            System.Text.Json.JsonElement videoReport = json.RootElement.GetProperty("video");
            Assert.Equal(60, videoReport.GetProperty("frames").GetInt32()); // 2 s at 30 frames per second, every frame sampled by the lite set
            Assert.Equal(60, videoReport.GetProperty("faces").GetInt32());

            // The tiny set samples every 10th frame, as the original: frames 10, 20, ..., 60 of the clip.
            (code, output, error) = Run("analyze", "--models", Assets.TinyModels, "--video", video, "--json");
            Assert.True(code == 0, error);
            using var tiny = System.Text.Json.JsonDocument.Parse(output);
            Assert.Equal(6, tiny.RootElement.GetProperty("video").GetProperty("frames").GetInt32());
            Assert.Equal(before, TemporaryExtractions());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void AnalyzeJson_ToAFile_WritesTheDocumentThere_AndTheTextToStdout()
    {
        string work = Directory.CreateTempSubdirectory("neurosync-cli-test-").FullName;
        try
        {
            string json = Path.Combine(work, "prediction.json");

            (int code, string output, string error) = Run("analyze", "--models", Assets.TinyModels, "--audio", Assets.SpeechWav, "--json", json);
            (int stdoutCode, string stdout, _) = Run("analyze", "--models", Assets.TinyModels, "--audio", Assets.SpeechWav, "--json", "-");

            Assert.True(code == 0, error);
            Assert.Equal(0, stdoutCode);
            Assert.Contains("Prediction: ", output, StringComparison.Ordinal);
            using var written = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
            using var printed = System.Text.Json.JsonDocument.Parse(stdout);
            Assert.Equal(printed.RootElement.GetProperty("scores").GetRawText(), written.RootElement.GetProperty("scores").GetRawText());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void AnalyzeVideo_WithoutFfmpeg_SaysWhatToInstall()
    {
        // A child process whose PATH has no ffmpeg (the in-process CLI would read this process's PATH), run from the CLI's
        // own build output, where its deps.json and runtimeconfig.json are.
        string cli = CliBuildOutput();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { cli, "analyze", "--models", LiteModels, "--video", Assets.FacePng })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = Path.Combine(Path.GetTempPath(), "no-such-folder");
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(ExitCodes.InputError, process.ExitCode);
        Assert.Contains("expected ffmpeg on PATH", error, StringComparison.Ordinal);
        Assert.Contains("apt-get install ffmpeg", error, StringComparison.Ordinal);
    }

    private static string CliBuildOutput()
    {
        // tests/NeuroSync.Samples.Tests/bin/<configuration>/<framework>/ -> samples/NeuroSync.Cli/bin/<configuration>/<framework>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        DirectoryInfo configuration = output.Parent!;
        DirectoryInfo repository = configuration.Parent!.Parent!.Parent!.Parent!;
        string cli = Path.Combine(repository.FullName, "samples", "NeuroSync.Cli", "bin", configuration.Name, output.Name, "NeuroSync.Cli.dll");
        Assert.True(File.Exists(cli), $"expected the CLI's build output at {cli}, found nothing.");
        return cli;
    }

    private static string[] TemporaryExtractions() => [.. Directory.GetDirectories(Path.GetTempPath(), "neurosync-video-*").Order()];

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string CopyOfTinyModels()
    {
        string copy = Directory.CreateTempSubdirectory("neurosync-cli-models-").FullName;
        foreach (string file in Directory.GetFiles(Assets.TinyModels))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static void RunProcess(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} failed: {error}");
    }
}
