using System.Text.Json;
using System.Xml.Linq;
using NeuroSync.Cli;
using NeuroSync.Cli.Commands;
using NeuroSync.Cli.Scoring;
using NeuroSync.Samples.Tests.TestUtilities;

namespace NeuroSync.Samples.Tests.Cli;

public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly string LiteModels = Path.Combine(AppContext.BaseDirectory, "models", "lite");
    private static readonly string FacesSet = Path.Combine(AppContext.BaseDirectory, "TestData", "Evaluation", "faces", "labels.csv");
    private static readonly string[] Labels = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"];

    private readonly string _work = Directory.CreateTempSubdirectory("neurosync-evaluate-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Evaluate_FacesSet_ReportsScoresThatFollowFromTheRows()
    {
        string json = Path.Combine(_work, "report.json");

        (int code, string output, string error) = Run(
            "evaluate", "--models", LiteModels, "--data", FacesSet, "--mode", "original", "--json", json, "--parallel", "2");

        Assert.True(code == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = document.RootElement;
        Assert.Equal("faces", root.GetProperty("kind").GetString()); // inferred from the first row, an image
        Assert.Equal("original", root.GetProperty("mode").GetString());
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Equal(8, root.GetProperty("items").GetInt32());
        Assert.Equal(8, root.GetProperty("done").GetInt32());
        Assert.Equal(7, root.GetProperty("scored").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(Labels, root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        // One row per item in CSV order; the missing file is a row with an error, named on stderr.
        JsonElement[] rows = [.. root.GetProperty("rows").EnumerateArray()];
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9], rows.Select(r => r.GetProperty("line").GetInt32()));
        JsonElement missing = rows[^1];
        Assert.Equal("images/missing.png", missing.GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("predicted").ValueKind);
        Assert.Contains("expected an existing file", missing.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("failed: ", error, StringComparison.Ordinal);
        Assert.Contains("line 9 (file 'images/missing.png')", error, StringComparison.Ordinal);
        Assert.Equal("happy", rows[0].GetProperty("predicted").GetString());
        Assert.Equal("audio: missing, video: available", rows[0].GetProperty("mask").GetString());

        // Every figure follows from the scored rows.
        var scored = rows.Where(r => r.GetProperty("predicted").ValueKind == JsonValueKind.String)
            .Select(r => (Gold: r.GetProperty("gold").GetString()!, Predicted: r.GetProperty("predicted").GetString()!)).ToArray();
        double accuracy = (double)scored.Count(r => r.Gold == r.Predicted) / scored.Length;
        Assert.Equal(accuracy, root.GetProperty("scores").GetProperty("accuracy").GetDouble(), 1e-12);
        var supported = Labels.Where(l => scored.Any(r => r.Gold == l)).ToArray();
        double uar = supported.Average(l => (double)scored.Count(r => r.Gold == l && r.Predicted == l) / scored.Count(r => r.Gold == l));
        Assert.Equal(uar, root.GetProperty("scores").GetProperty("uar").GetDouble(), 1e-12);
        Assert.Equal(1.0 / supported.Length, root.GetProperty("chance").GetProperty("accuracy").GetDouble(), 1e-12);
        Assert.Equal("happy", root.GetProperty("majority").GetProperty("label").GetString());
        Assert.Equal(4.0 / 7, root.GetProperty("majority").GetProperty("accuracy").GetDouble(), 1e-12);

        JsonElement confusion = root.GetProperty("confusion");
        string[] columns = [.. confusion.GetProperty("predicted").EnumerateArray().Select(c => c.GetString()!)];
        Assert.Equal([.. Labels, .. scored.Select(r => r.Predicted).Where(p => !Labels.Contains(p)).Distinct().Order(StringComparer.OrdinalIgnoreCase)], columns);
        int[][] counts = [.. confusion.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray())];
        for (int g = 0; g < Labels.Length; g++)
        {
            for (int p = 0; p < columns.Length; p++)
            {
                Assert.Equal(scored.Count(r => r.Gold == Labels[g] && r.Predicted == columns[p]), counts[g][p]);
            }
        }

        foreach (JsonElement c in root.GetProperty("classes").EnumerateArray())
        {
            string label = c.GetProperty("label").GetString()!;
            Assert.Equal(scored.Count(r => r.Gold == label), c.GetProperty("support").GetInt32());
            Assert.Equal(scored.Count(r => r.Predicted == label), c.GetProperty("predicted").GetInt32());
        }

        // The text report prints the same figures.
        Assert.Contains($"n = 7", output, StringComparison.Ordinal);
        Assert.Contains($"accuracy      {accuracy:0.000}", output, StringComparison.Ordinal);
        Assert.Contains($"UAR           {uar:0.000}", output, StringComparison.Ordinal);
        Assert.Contains("majority (happy)", output, StringComparison.Ordinal);
        Assert.Contains("7 scored, 1 failed", output, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lite", 2, 7, "robust")]  // frame stride 1: the image once; line 7 is too dark to read: 'unknown'
    [InlineData("tiny", 2, 3, "original")]  // frame stride 10: the image ten times, the tenth sampled
    public void Evaluate_Rows_AgreeWithAnalyzeOnTheSameImages(string modelSet, int firstLine, int secondLine, string mode)
    {
        string models = Path.Combine(AppContext.BaseDirectory, "models", modelSet);
        string json = Path.Combine(_work, "report.json");
        (int code, _, string error) = Run("evaluate", "--models", models, "--data", FacesSet, "--mode", mode, "--json", json);
        Assert.True(code == ExitCodes.Success, error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] rows = [.. report.RootElement.GetProperty("rows").EnumerateArray()];

        foreach (int line in new[] { firstLine, secondLine })
        {
            JsonElement row = rows.Single(r => r.GetProperty("line").GetInt32() == line);
            string image = Path.Combine(Path.GetDirectoryName(FacesSet)!, row.GetProperty("file").GetString()!);

            (code, string output, error) = Run("analyze", "--models", models, "--frames", image, "--mode", mode, "--json");

            Assert.True(code == ExitCodes.Success, error);
            using var analyzed = JsonDocument.Parse(output);
            JsonElement a = analyzed.RootElement;
            Assert.Equal(a.GetProperty("label").GetString(), row.GetProperty("predicted").GetString());
            Assert.Equal(a.GetProperty("rawLabel").GetString(), row.GetProperty("rawLabel").GetString());
            Assert.Equal(a.GetProperty("confidence").GetSingle(), row.GetProperty("confidence").GetSingle());
            Assert.Equal(1, a.GetProperty("video").GetProperty("frames").GetInt32()); // the still rule: exactly one sampled frame
            Assert.Equal("missing", a.GetProperty("audio").GetProperty("status").GetString());
            Assert.StartsWith("audio: missing, video: ", row.GetProperty("mask").GetString(), StringComparison.Ordinal);
        }

        if (modelSet == "lite")
        {
            JsonElement dark = rows.Single(r => r.GetProperty("line").GetInt32() == secondLine);
            Assert.Equal("unknown", dark.GetProperty("predicted").GetString());
        }
    }

    [Fact]
    public void Evaluate_Parallelism_DoesNotChangeTheRowsOrTheirOrder()
    {
        string one = Path.Combine(_work, "one.json");
        string three = Path.Combine(_work, "three.json");

        Assert.Equal(ExitCodes.Success, Run("evaluate", "--models", LiteModels, "--data", FacesSet, "--json", one, "--parallel", "1").Code);
        Assert.Equal(ExitCodes.Success, Run("evaluate", "--models", LiteModels, "--data", FacesSet, "--json", three, "--parallel", "3").Code);

        using var a = JsonDocument.Parse(File.ReadAllText(one));
        using var b = JsonDocument.Parse(File.ReadAllText(three));
        Assert.Equal(a.RootElement.GetProperty("rows").GetRawText(), b.RootElement.GetProperty("rows").GetRawText());
        Assert.Equal(a.RootElement.GetProperty("confusion").GetRawText(), b.RootElement.GetProperty("confusion").GetRawText());
        Assert.Equal("robust", a.RootElement.GetProperty("mode").GetString()); // the default
    }

    [Fact]
    public void Evaluate_Plot_WritesWellFormedSvgWithEveryLabelAndCount()
    {
        string svg = Path.Combine(_work, "confusion.svg");

        (int code, _, string error) = Run("evaluate", "--models", LiteModels, "--data", FacesSet, "--plot", svg);

        Assert.True(code == ExitCodes.Success, error);
        XDocument document = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        string[] texts = [.. document.Descendants(ns + "text").Select(t => t.Value)];
        Assert.All(Labels, label => Assert.Equal(2, texts.Count(t => t == label))); // once per axis
        Assert.Contains("unknown", texts); // robust mode's no-emotion answer for the faceless frames, outside the label set
        Assert.Contains("predicted", texts);
        Assert.Contains("gold", texts);
        Assert.Equal(7 * 8, document.Descendants(ns + "rect").Count(r => r.Attribute("fill")?.Value.StartsWith('#') == true) - 1); // cells, less the background
    }

    [Fact]
    public async Task Evaluate_CancelledPartWay_PrintsThePartialReportAndExitsWith130()
    {
        using var cancellation = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        string json = Path.Combine(_work, "partial.json");
        int done = 0;
        var settings = new EvaluationSettings(LiteModels, FacesSet, null, [], [], "original", json, Path.Combine(_work, "partial.svg"), Parallel: 1);

        int code = await EvaluateCommand.RunAsync(settings, output, error, cancellation.Token, _ =>
        {
            if (++done == 2)
            {
                cancellation.Cancel();
            }
        });

        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("Partial report: cancelled after 2 of 8 items", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("n = 2", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("cancelled: the report covers the 2 of 8 items done", error.ToString(), StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.False(report.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(2, report.RootElement.GetProperty("done").GetInt32());
        Assert.Equal([2, 3], report.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));
        Assert.True(File.Exists(Path.Combine(_work, "partial.svg")));
    }

    [Fact]
    public void Evaluate_MapAndDrop_RenameGoldLabelsAndLeaveRowsOut()
    {
        string csv = WriteSet("file,label", $"{Assets.FacePng},joy", $"{Assets.FacePng},boredom", $"{Assets.FacePng},Happy");
        string json = Path.Combine(_work, "mapped.json");

        (int code, _, string error) = Run("evaluate", "--models", LiteModels, "--data", csv, "--map", "joy=happy", "--drop", "boredom", "bordeom", "--json", json);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("warning: --drop bordeom: no row of", error, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(1, report.RootElement.GetProperty("dropped").GetInt32());
        Assert.Equal(["happy", "happy"], report.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("gold").GetString()));
        Assert.Equal(1.0, report.RootElement.GetProperty("scores").GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public void Evaluate_SpeechAndClips_AreInferredAndGetAudioOnlyOrAFolderOfFrames()
    {
        string clip = Path.Combine(_work, "clip1");
        Directory.CreateDirectory(clip);
        foreach (string name in new[] { "f1.png", "f2.png" })
        {
            File.Copy(Assets.FacePng, Path.Combine(clip, name));
        }

        File.Copy(Assets.SpeechWav, Path.Combine(clip, ItemRunner.ClipAudioFile));
        string clips = WriteSet("file,label", "clip1,happy");
        string speech = WriteSet("file,label", $"{Assets.SpeechWav},neutral");

        (int code, _, string error) = Run("evaluate", "--models", LiteModels, "--data", clips, "--json", Path.Combine(_work, "clips.json"));
        Assert.True(code == ExitCodes.Success, error);
        (code, _, error) = Run("evaluate", "--models", LiteModels, "--data", speech, "--json", Path.Combine(_work, "speech.json"));
        Assert.True(code == ExitCodes.Success, error);

        using var clipReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "clips.json")));
        Assert.Equal("clips", clipReport.RootElement.GetProperty("kind").GetString());
        Assert.Equal("audio: available, video: available", clipReport.RootElement.GetProperty("rows")[0].GetProperty("mask").GetString());
        using var speechReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "speech.json")));
        Assert.Equal("speech", speechReport.RootElement.GetProperty("kind").GetString());
        Assert.EndsWith("video: no frames", speechReport.RootElement.GetProperty("rows")[0].GetProperty("mask").GetString(), StringComparison.Ordinal);

        // A missing clip folder first (no extension, so it tells nothing): the next row tells, and the missing one is counted.
        string missingFirst = WriteSet("file,label", "clip0,sad", "clip1,happy");
        (code, _, error) = Run("evaluate", "--models", LiteModels, "--data", missingFirst, "--json", Path.Combine(_work, "missing-first.json"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("clip0", error, StringComparison.Ordinal);
        using var missingReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "missing-first.json")));
        Assert.Equal("clips", missingReport.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public void Evaluate_BadCommandLinesAndDataSets_FailWithOneClearLine()
    {
        string noLabelColumn = WriteSet("path,emotion", "a.png,happy");
        string unknownLabel = WriteSet("file,label", "a.png,happy", "b.png,calm");
        string noKind = WriteSet("file,label", "a.mp3,happy");

        AssertFails(ExitCodes.UsageError, "expected an .svg file (SVG is the format supported), found '.png'", "--data", FacesSet, "--plot", Path.Combine(_work, "c.png"));
        AssertFails(ExitCodes.UsageError, "--map: Label mapping 'calm': expected <gold>=<label>", "--data", FacesSet, "--map", "calm");
        AssertFails(ExitCodes.UsageError, "--parallel: expected at least 1, found 0", "--data", FacesSet, "--parallel", "0");
        AssertFails(ExitCodes.UsageError, "Argument 'videos' not recognized", "--data", FacesSet, "--kind", "videos");
        AssertFails(ExitCodes.UsageError, "--kind: expected faces, speech or clips, or a row naming an image, a .wav file or an existing folder, found none (the first row names 'a.mp3')", "--data", noKind);
        AssertFails(ExitCodes.InputError, "expected a header row with 'file' and 'label' columns, found 'path', 'emotion'", "--data", noLabelColumn);
        AssertFails(
            ExitCodes.InputError,
            "line 3 (file 'b.png'): expected a label in [angry, disgust, fear, happy, neutral, sad, surprise], found 'calm'",
            "--data",
            unknownLabel);
        AssertFails(ExitCodes.InputError, "expected an existing file, found nothing at that path", "--data", Path.Combine(_work, "none.csv"));
        Assert.Equal(ExitCodes.UsageError, Run("analyze", "--models", LiteModels, "--frames", Assets.FacePng, "--mode", "fast").Code);
    }

    [Fact]
    public void Evaluate_NoReadableItem_NamesEachAndExitsWithAnInputError()
    {
        File.WriteAllBytes(Path.Combine(_work, "corrupt.png"), [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        string csv = WriteSet("file,label", "gone.png,happy", "corrupt.png,sad");

        (int code, string output, string error) = Run("evaluate", "--models", LiteModels, "--data", csv);

        Assert.Equal(ExitCodes.InputError, code);
        Assert.Contains("0 scored, 2 failed", output, StringComparison.Ordinal);
        Assert.Contains("No item was scored.", output, StringComparison.Ordinal);
        Assert.Contains("line 2 (file 'gone.png')", error, StringComparison.Ordinal);
        Assert.Contains("line 3 (file 'corrupt.png')", error, StringComparison.Ordinal);
        Assert.Contains("expected at least one readable item, found none of 2", error, StringComparison.Ordinal);
    }

    private static void AssertFails(int expectedCode, string message, params string[] args)
    {
        (int code, _, string error) = Run(["evaluate", "--models", LiteModels, .. args]);
        Assert.True(code == expectedCode, $"exit code {code}, expected {expectedCode}: {error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'), l => l.StartsWith("neurosync: error: ", StringComparison.Ordinal));
    }

    private string WriteSet(params string[] lines)
    {
        string csv = Path.Combine(_work, $"labels-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(csv, lines);
        return csv;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
