using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using NeuroSync.Cli;
using NeuroSync.Cli.Timeline;
using NeuroSync.Samples.Tests.TestUtilities;

namespace NeuroSync.Samples.Tests.Cli;

/// <summary><c>neurosync analyze --timeline</c> on the 30 s test video (<see cref="TimelineVideo"/>) and on folders of frames.</summary>
public sealed class TimelineTests : IClassFixture<TimelineVideo>, IDisposable
{
    private static readonly string LiteModels = Path.Combine(AppContext.BaseDirectory, "models", "lite");
    private static readonly string[] Labels = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"];

    private readonly TimelineVideo _video;
    private readonly string _work = Directory.CreateTempSubdirectory("neurosync-timeline-out-").FullName;

    public TimelineTests(TimelineVideo video) => _video = video;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Video_JsonCsvAndPlot_OneRowPerHopOverTheWholeFile_MaskChangesWhereTheInputDoes()
    {
        string jsonl = Path.Combine(_work, "timeline.jsonl");
        string plot = Path.Combine(_work, "timeline.svg");

        // A 2 s window so that each stretch has windows that lie entirely inside it; CSV on stdout, JSON lines to a file.
        (int code, string output, string error) = Run(
            "analyze", "--models", LiteModels, "--video", _video.Path, "--timeline", "--window", "2", "--csv", "--json", jsonl, "--plot", plot);

        Assert.True(code == ExitCodes.Success, error);
        string[] lines = File.ReadAllLines(jsonl);
        JsonElement[] rows = [.. lines[..^1].Select(l => JsonDocument.Parse(l).RootElement)];
        JsonElement summary = JsonDocument.Parse(lines[^1]).RootElement;

        // One row per hop over the whole duration: ends at 1, 2, ..., 30 s, and the AAC track's last few milliseconds
        // may add a final partial window, cut at the end of the input.
        Assert.All(rows, r => Assert.Equal("window", r.GetProperty("type").GetString()));
        Assert.InRange(rows.Length, 30, 31);
        double[] ends = [.. rows.Select(r => r.GetProperty("end").GetDouble())];
        Assert.Equal(Enumerable.Range(1, 30).Select(e => (double)e), ends.Take(30));
        Assert.InRange(ends[^1], TimelineVideo.Seconds, TimelineVideo.Seconds + 0.1);
        Assert.All(rows.Take(30), r => Assert.Equal(Math.Max(0, r.GetProperty("end").GetDouble() - 2), r.GetProperty("start").GetDouble()));
        Assert.Equal(Enumerable.Range(0, rows.Length).Select(i => (long)i), rows.Select(r => r.GetProperty("sequence").GetInt64()));

        // Every field of a row.
        JsonElement first = rows[0];
        foreach (string field in (string[])["type", "sequence", "start", "end", "label", "rawLabel", "confidence", "scores", "audio", "video", "faces", "droppedFrames"])
        {
            Assert.True(first.TryGetProperty(field, out _), $"expected the field '{field}' in {first}");
        }

        Assert.Equal(Labels, first.GetProperty("scores").EnumerateObject().Select(p => p.Name));
        Assert.True(first.GetProperty("audio").TryGetProperty("rms", out _));
        Assert.True(first.GetProperty("video").TryGetProperty("frames", out _));
        Assert.True(first.GetProperty("faces").TryGetProperty("tracks", out _));

        // The mask follows the input: every whole window inside a stretch takes its status. (The first window holds only
        // the first second, the clip's quiet lead-in; the last only the AAC track's final milliseconds.)
        JsonElement[] speaking = Inside(rows, 0, TimelineVideo.Silent.From);
        JsonElement[] silent = Inside(rows, TimelineVideo.Silent.From, TimelineVideo.Silent.To);
        JsonElement[] covered = Inside(rows, TimelineVideo.Covered.From, TimelineVideo.Covered.To);
        Assert.Equal([9, 9, 9], new[] { speaking.Length, silent.Length, covered.Length });
        Assert.All(speaking, r => Assert.Equal(("available", "available"), Statuses(r)));
        Assert.All(silent, r => Assert.Equal(("silent", "available"), Statuses(r)));
        Assert.All(covered, r => Assert.Equal(("available", "covered"), Statuses(r)));

        // The face: every frame of the first 20 s analysed (the lite set samples every frame), with a face and one track;
        // none in the covered stretch, and nothing lost.
        Assert.All(rows.Take(20), r =>
        {
            JsonElement faces = r.GetProperty("faces");
            Assert.Equal(TimelineVideo.FramesPerSecond, faces.GetProperty("frames").GetInt32());
            Assert.Equal(TimelineVideo.FramesPerSecond, faces.GetProperty("withFace").GetInt32());
            Assert.Equal([0], faces.GetProperty("tracks").EnumerateArray().Select(t => t.GetInt32()));
            Assert.Equal("happy", r.GetProperty("label").GetString());
        });
        Assert.All(covered, r => Assert.Equal(0, r.GetProperty("faces").GetProperty("withFace").GetInt32()));
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("droppedFrames").GetInt32()));

        // The summary: the dominant label and the time each label held, adding up to the duration.
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.True(summary.GetProperty("complete").GetBoolean());
        Assert.Equal(rows.Length, summary.GetProperty("windows").GetInt32());
        Assert.Equal(ends[^1], summary.GetProperty("duration").GetDouble(), 1e-9);
        Assert.Equal("happy", summary.GetProperty("dominant").GetString());
        JsonElement held = summary.GetProperty("labels");
        Assert.Equal(ends[^1], held.EnumerateObject().Sum(l => l.Value.GetProperty("seconds").GetDouble()), 1e-6);
        Assert.Equal(rows.Length, held.EnumerateObject().Sum(l => l.Value.GetProperty("windows").GetInt32()));
        Assert.Equal(rows.Count(r => r.GetProperty("label").GetString() == "happy"), held.GetProperty("happy").GetProperty("windows").GetInt32());
        Assert.Equal(0, summary.GetProperty("droppedFrames").GetInt32());

        // The CSV on stdout: the header, then the same rows; its summary went to stderr.
        string[] csv = output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(
            "sequence,start,end,label,rawLabel,confidence,angry,disgust,fear,happy,neutral,sad,surprise,audioStatus,audioRms,videoStatus,videoFrames,videoFaces,hopFrames,hopFaces,tracks,droppedFrames",
            csv[0]);
        Assert.Equal(rows.Length, csv.Length - 1);
        string[] covered25 = csv.Single(l => l.StartsWith("24,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(["24", "23", "25"], covered25[..3]);
        Assert.Equal("covered", covered25[15]);
        Assert.Contains("Dominant label: happy", error, StringComparison.Ordinal);

        // The plot: valid SVG, one path per label, and the stretches shaded where the input changes.
        XDocument svg = XDocument.Load(plot);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        XElement[] paths = [.. svg.Descendants(ns + "path").Where(p => ((string?)p.Attribute("class"))?.StartsWith("score ", StringComparison.Ordinal) == true)];
        Assert.Equal(Labels, paths.Select(p => ((string)p.Attribute("class")!)["score ".Length..]));
        Assert.All(paths, p => Assert.StartsWith("M", (string)p.Attribute("d")!, StringComparison.Ordinal));
        string[] bands = [.. svg.Descendants(ns + "rect").Select(r => (string?)r.Attribute("class")).OfType<string>().Where(c => c.StartsWith("band ", StringComparison.Ordinal))];
        Assert.Contains("band audio silent", bands);
        Assert.Contains("band video covered", bands);
    }

    [Fact]
    public void Frames_TableAndSummary_AndAFullWindowEqualsAnalyzeOnTheSameFramesAndSound()
    {
        // The first 7 s of the video as 70 PNG frames and a WAV file: the row of the window [0, 7) must be what plain
        // analyze says on exactly those (original mode, where a stream's window equals RecognizeAsync on it).
        string frames = Path.Combine(_work, "frames");
        Directory.CreateDirectory(frames);
        string wav = Path.Combine(_work, "sound.wav");
        _video.Run("-i", _video.Path, "-frames:v", "70", Path.Combine(frames, "f%04d.png"));
        _video.Run("-i", _video.Path, "-t", "7", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav);
        string jsonl = Path.Combine(_work, "frames.jsonl");

        (int code, string output, string error) = Run(
            "analyze", "--models", Assets.TinyModels, "--mode", "original", "--frames", frames, "--fps", "10", "--audio", wav, "--timeline", "--json", jsonl);
        (int plainCode, string plain, string plainError) = Run("analyze", "--models", Assets.TinyModels, "--mode", "original", "--frames", frames, "--audio", wav, "--json");

        Assert.True(code == ExitCodes.Success, error);
        Assert.True(plainCode == ExitCodes.Success, plainError);
        Assert.Contains("Timeline of ", output, StringComparison.Ordinal);
        Assert.Contains("70 frames at 10 frames/s", output, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+start\s+end\s+label\s+conf\s+angry\s+disgust\s+fear\s+happy\s+neutral\s+sad\s+surprise\s+audio\s+video\s+faces\s+track\s+dropped", output);
        Assert.Contains("Summary: 7 window(s) over 7.00 s (the whole recording), a window of 7 s every 1 s", output, StringComparison.Ordinal);
        Assert.Contains("Dominant label: ", output, StringComparison.Ordinal);

        string[] lines = File.ReadAllLines(jsonl);
        Assert.Equal(8, lines.Length); // windows ending at 1..7 s (the input ends on a hop: no extra row), and the summary
        using var window = JsonDocument.Parse(lines[6]);
        using var clip = JsonDocument.Parse(plain);
        Assert.Equal(0, window.RootElement.GetProperty("start").GetDouble());
        Assert.Equal(7, window.RootElement.GetProperty("end").GetDouble());
        foreach (string field in (string[])["label", "rawLabel"])
        {
            Assert.Equal(clip.RootElement.GetProperty(field).GetString(), window.RootElement.GetProperty(field).GetString());
        }

        Assert.Equal(clip.RootElement.GetProperty("confidence").GetSingle(), window.RootElement.GetProperty("confidence").GetSingle());
        Assert.Equal(
            clip.RootElement.GetProperty("scores").EnumerateObject().Select(p => p.Value.GetSingle()),
            window.RootElement.GetProperty("scores").EnumerateObject().Select(p => p.Value.GetSingle()));
        Assert.Equal(clip.RootElement.GetProperty("audio").GetRawText(), window.RootElement.GetProperty("audio").GetRawText());
        Assert.Equal(clip.RootElement.GetProperty("video").GetRawText(), window.RootElement.GetProperty("video").GetRawText());
    }

    [Fact]
    public async Task Video_CancelledPartWay_ReportsWhatWasReadAndStopsFfmpeg()
    {
        using var cancellation = new CancellationTokenSource();
        string plot = Path.Combine(_work, "partial.svg");
        var settings = new TimelineSettings(Assets.TinyModels, "robust", _video.Path, null, null, null, 1, null, TimelineSettings.Stdout, null, plot);
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await TimelineCommand.RunAsync(settings, output, error, cancellation.Token, row =>
        {
            if (row.Sequence == 2)
            {
                cancellation.Cancel();
            }
        });

        Assert.Equal(ExitCodes.Cancelled, code);
        string[] lines = output.ToString().TrimEnd().Split('\n');
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.False(summary.RootElement.GetProperty("complete").GetBoolean());
        int windows = summary.RootElement.GetProperty("windows").GetInt32();
        Assert.InRange(windows, 3, 29);
        Assert.Equal(windows + 1, lines.Length);
        Assert.Contains("cancelled: the timeline covers the first ", error.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(plot));
        Assert.Empty(FfmpegReading(_video.Path));
    }

    [Fact]
    public void BadCommandLines_FailWithOneClearLine()
    {
        string frames = Path.Combine(_work, "bad-frames");
        Directory.CreateDirectory(frames);
        File.Copy(Assets.FacePng, Path.Combine(frames, "f1.png"));
        string tiny = Assets.TinyModels;

        AssertFails(ExitCodes.UsageError, "--hop: expected --timeline with it", "--models", tiny, "--audio", Assets.SpeechWav, "--hop", "2");
        AssertFails(ExitCodes.UsageError, "--csv: expected --timeline with it", "--models", tiny, "--audio", Assets.SpeechWav, "--csv");
        AssertFails(ExitCodes.UsageError, "expected --fps N", "--models", tiny, "--frames", frames, "--timeline");
        AssertFails(ExitCodes.UsageError, "--fps: expected --frames or --video with it", "--models", tiny, "--audio", Assets.SpeechWav, "--fps", "10", "--timeline");
        AssertFails(ExitCodes.UsageError, "expected a folder of frames, found one image", "--models", tiny, "--frames", Assets.FacePng, "--fps", "10", "--timeline");
        AssertFails(ExitCodes.UsageError, "--hop: expected 0.1 to 60 seconds, found 0.05", "--models", tiny, "--audio", Assets.SpeechWav, "--timeline", "--hop", "0.05");
        AssertFails(ExitCodes.UsageError, "--window: expected the hop (2 s) to 60 seconds, found 1", "--models", tiny, "--audio", Assets.SpeechWav, "--timeline", "--hop", "2", "--window", "1");
        AssertFails(ExitCodes.UsageError, "--hop 10: expected at most the window (7 s", "--models", tiny, "--audio", Assets.SpeechWav, "--timeline", "--hop", "10");
        AssertFails(ExitCodes.UsageError, "expected at most one of them on standard output", "--models", tiny, "--audio", Assets.SpeechWav, "--timeline", "--json", "--csv");
        AssertFails(ExitCodes.UsageError, "expected an .svg file (SVG is the format supported), found '.png'", "--models", tiny, "--audio", Assets.SpeechWav, "--timeline", "--plot", Path.Combine(_work, "t.png"));
        AssertFails(ExitCodes.UsageError, "expected either --video or --audio/--frames, found both", "--models", tiny, "--video", _video.Path, "--audio", Assets.SpeechWav, "--timeline");
        AssertFails(ExitCodes.InputError, "expected an existing file", "--models", tiny, "--video", Path.Combine(_work, "missing.mp4"), "--timeline");
        string notAVideo = Path.Combine(_work, "not-a-video.mp4");
        File.WriteAllText(notAVideo, "not a video");
        AssertFails(ExitCodes.InputError, "Video 'not-a-video.mp4': expected a video ffmpeg can decode", "--models", tiny, "--video", notAVideo, "--timeline");
    }

    [Fact]
    public async Task Frames_AThousandSecondsApart_GiveTheWindowsOfEach_WithoutWaitingForEver()
    {
        // Frames only: a window is judged when a later frame arrives, so the second frame must go in although it is far
        // more than the feeder's lead (a window and 500 hops) ahead of the last update read.
        string frames = Path.Combine(_work, "slides");
        Directory.CreateDirectory(frames);
        File.Copy(Assets.FacePng, Path.Combine(frames, "f1.png"));
        File.Copy(Assets.FacePng, Path.Combine(frames, "f2.png"));

        // A hang guard, not a speed requirement: before the fix the command waited for ever.
        (int code, string output, string error) = await Task.Run(() => Run("analyze", "--models", Assets.TinyModels, "--frames", frames, "--fps", "0.001", "--timeline", "--json"))
            .WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code == ExitCodes.Success, error);
        string[] lines = output.TrimEnd().Split('\n');
        // The seven windows holding the frame at 0 s, the one holding the frame at 1000 s, and the summary.
        Assert.Equal(9, lines.Length);
        using var last = JsonDocument.Parse(lines[^2]);
        Assert.Equal(1001, last.RootElement.GetProperty("end").GetDouble(), 1e-6);
    }

    [Fact]
    public void AudioOnly_Timeline_StreamsTheWholeWav_WithNoFrames()
    {
        // The 1.7 s espeak-ng clip: windows ending at 1 s and at the end of the file.
        (int code, string output, string error) = Run("analyze", "--models", LiteModels, "--audio", Assets.SpeechWav, "--timeline", "--json");

        Assert.True(code == ExitCodes.Success, error);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        using var last = JsonDocument.Parse(lines[1]);
        Assert.Equal(1.716372, last.RootElement.GetProperty("end").GetDouble(), 1e-3);
        Assert.Equal("noFrames", last.RootElement.GetProperty("video").GetProperty("status").GetString());
    }

    [Fact]
    public void ShowInfoAndProbeLines_AreParsed()
    {
        Assert.True(VideoFrames.TryParseShowInfo(
            "[Parsed_showinfo_1 @ 0x55b5f70971c0] n:  12 pts:  12288 pts_time:1.2     pos:    48 fmt:rgb24 sar:1/1 s:320x240 i:P iskey:0 type:P",
            out TimeSpan time, out int width, out int height));
        Assert.Equal((TimeSpan.FromSeconds(1.2), 320, 240), (time, width, height));
        Assert.True(VideoFrames.TryParseShowInfo("[Parsed_showinfo_0 @ 0x1] n:   0 pts:NOPTS pts_time:NOPTS pos: -1 fmt:rgb24 sar:0/1 s:64x48 i:P", out time, out _, out _));
        Assert.Equal(TimeSpan.MinValue, time);
        Assert.False(VideoFrames.TryParseShowInfo("[Parsed_showinfo_0 @ 0x1] config in time_base: 1/10240, frame_rate: 10/1", out _, out _, out _));

        MediaProbe probe = MediaProbe.Parse([
            "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':",
            "  Duration: 00:01:02.50, start: 0.000000, bitrate: 56 kb/s",
            "  Stream #0:0[0x1](und): Video: h264 (High), yuv420p, 320x240, 10 fps",
            "  Stream #0:1[0x2](und): Audio: aac (LC), 16000 Hz, mono, fltp"])!;
        Assert.Equal(new MediaProbe(TimeSpan.FromSeconds(62.5), true, true), probe);
        Assert.Equal(new MediaProbe(null, false, true), MediaProbe.Parse(["Input #0, wav, from 'a.wav':", "  Duration: N/A, bitrate: N/A", "  Stream #0:0: Audio: pcm_s16le"]));
        Assert.Null(MediaProbe.Parse(["x.txt: Invalid data found when processing input"]));
    }

    /// <summary>The rows whose window is a whole one (2 s) and lies inside [from, to].</summary>
    private static JsonElement[] Inside(JsonElement[] rows, double from, double to) =>
        [.. rows.Where(r => r.GetProperty("start").GetDouble() >= from && r.GetProperty("end").GetDouble() <= to
            && r.GetProperty("end").GetDouble() - r.GetProperty("start").GetDouble() == 2)];

    private static (string Audio, string Video) Statuses(JsonElement row) =>
        (row.GetProperty("audio").GetProperty("status").GetString()!, row.GetProperty("video").GetProperty("status").GetString()!);

    /// <summary>The ffmpeg processes whose command line names a file (Linux: /proc); none elsewhere.</summary>
    private static int[] FfmpegReading(string file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<int>();
        foreach (Process process in Process.GetProcessesByName("ffmpeg"))
        {
            using (process)
            {
                try
                {
                    if (File.ReadAllText($"/proc/{process.Id}/cmdline").Contains(file, StringComparison.Ordinal))
                    {
                        found.Add(process.Id);
                    }
                }
                catch (IOException)
                {
                    // It exited meanwhile.
                }
            }
        }

        return [.. found];
    }

    private static void AssertFails(int expectedCode, string expectedMessage, params string[] args)
    {
        (int code, string output, string error) = Run(["analyze", .. args]);
        Assert.True(code == expectedCode, $"expected exit code {expectedCode} for {string.Join(' ', args)}, found {code}: {error}");
        Assert.Contains(expectedMessage, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Empty(output);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
