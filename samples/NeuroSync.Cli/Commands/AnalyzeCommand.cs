using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Cli.Output;
using NeuroSync.Cli.Timeline;
using NeuroSync.Vision;

namespace NeuroSync.Cli.Commands;

/// <summary>
/// <c>neurosync analyze --models &lt;folder&gt; [--audio &lt;in.wav&gt;] [--frames &lt;image-or-folder&gt;] [--json [out.json]]</c>: the whole
/// pipeline (front-ends, the model set's encoders or classifiers, fusion) on one clip, with the prediction, the modality
/// mask and the time per stage. With <c>--timeline</c>, a whole recording window by window (<see cref="TimelineCommand"/>).
/// </summary>
internal static class AnalyzeCommand
{
    /// <summary>The most images one clip may have (100 s at 30 frames per second); only the sampled ones are decoded.</summary>
    internal const int MaxFrames = 3000;

    /// <summary>The width of a score bar at probability 1, in characters.</summary>
    private const int BarWidth = 40;

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where the progress of <c>--timeline</c> goes.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var models = new Option<string>("--models", "-m")
        {
            Description = "The model folder (neurosync.json and the ONNX models it names), or a manifest file in one (such as neurosync.int8.json). "
                + "The repository has two: models/lite (pretrained: a BlazeFace face detector, two expression classifiers with late fusion, "
                + "a Silero voice-activity detector, no audio emotion model) and models/tiny (the original architecture: an audio encoder, "
                + "a visual encoder and a fusion head, with random weights, so its predictions are meaningless).",
            HelpName = "folder",
            Required = true,
        };
        var audio = new Option<string?>("--audio", "-a")
        {
            Description = "The clip's sound: a WAV file (PCM 8/16/24/32-bit or 32-bit float, any rate and channel count; the first 7 s are used, "
                + "or all of it with --timeline).",
            HelpName = "in.wav",
        };
        var frames = new Option<string?>("--frames", "-f")
        {
            Description = "The clip's video: a folder whose image files are taken in name order as consecutive frames, or one image (a still). "
                + "The pipeline samples every n-th frame, n being the model set's stride: 1 for models/lite; 10 for the original's models, "
                + "so 25 images give frames 10 and 20, and a folder of fewer than 10 gives none: the video then counts as 'no frames'. "
                + "One image is a still: it is repeated stride times, so it is sampled exactly once. "
                + "With --timeline: a folder of frames, the k-th image (from 0) at k/N seconds, N given by --fps.",
            HelpName = "image-or-folder",
        };
        var video = new Option<string?>("--video")
        {
            Description = "The clip as one video file (any format ffmpeg reads; needs ffmpeg on PATH): its sampled frames and its sound, "
                + "converted to 16 kHz mono as the original did, are extracted into a private temporary folder that is deleted afterwards. "
                + "Instead of --audio and --frames. With --timeline the whole file is streamed from ffmpeg instead (nothing is written to disk).",
            HelpName = "file",
        };
        var timeline = new Option<bool>("--timeline")
        {
            Description = "Analyse the whole recording (--video, or --frames with --fps and an optional --audio) window by window through the streaming API, "
                + "reading it incrementally in time order: one row per window (a table; JSON lines with --json; CSV with --csv), then a summary "
                + "(the dominant label, the time each label held). Progress on stderr; Ctrl+C stops and reports what was read.",
        };
        var hop = new Option<double>("--hop")
        {
            Description = "With --timeline: the time between windows, in seconds (0.1 to 60; default 1). Each row judges the window ending at a multiple of it.",
            HelpName = "seconds",
            DefaultValueFactory = _ => 1,
        };
        var window = new Option<double?>("--window")
        {
            Description = "With --timeline: the length of each window, in seconds (the hop to 60; default: the model set's clip length, 7 s). "
                + "A short window follows changes closely; a long one holds more evidence.",
            HelpName = "seconds",
        };
        var fps = new Option<double?>("--fps")
        {
            Description = "With --timeline: the frame rate of --frames (required there); with --video, a rate to resample the video to first "
                + "(fewer frames to analyse; default: every frame at its own time).",
            HelpName = "N",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Print JSON (camelCase) instead of text: one document, or with --timeline one line per window and a last summary line. "
                + "Give a file to write it there instead of stdout (the text then still goes to stdout).",
            HelpName = "out.json",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var csv = new Option<string?>("--csv")
        {
            Description = "With --timeline: write the rows as CSV (a header line; the JSON rows' fields, flattened) to stdout or to the file given. "
                + "On stdout the summary goes to stderr.",
            HelpName = "out.csv",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var plot = new Option<string?>("--plot")
        {
            Description = "With --timeline: draw the scores over time (one line per label, a legend) with the stretches where a modality was not usable "
                + "(silent, no speech, no face, covered, too dark, missing) shaded, as an SVG file.",
            HelpName = "timeline.svg",
        };
        Option<string> mode = CommonOptions.Mode();
        var command = new Command(
            "analyze",
            "Recognise the emotion in a clip (voice, frames or both) with a model set on ONNX Runtime: the front-ends, the set's encoders or "
            + "classifiers, and its fusion (a trained head, or late fusion). "
            + "Prints the label, the score of every label, which modalities could be used, how much each moved the result, and the time per stage. "
            + "With --timeline, a whole recording window by window instead.")
        {
            models,
            audio,
            frames,
            video,
            mode,
            json,
            timeline,
            hop,
            window,
            fps,
            csv,
            plot,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string? jsonTarget = Target(parse, json);
            if (parse.GetValue(timeline))
            {
                return TimelineCommand.RunAsync(
                    new TimelineSettings(
                        parse.GetRequiredValue(models),
                        parse.GetRequiredValue(mode),
                        parse.GetValue(video),
                        parse.GetValue(audio),
                        parse.GetValue(frames),
                        parse.GetValue(fps),
                        parse.GetValue(hop),
                        parse.GetValue(window),
                        jsonTarget,
                        Target(parse, csv),
                        parse.GetValue(plot)),
                    output,
                    error,
                    cancellationToken);
            }

            foreach (Option only in (Option[])[hop, window, fps, csv, plot])
            {
                if (parse.GetResult(only) is { Implicit: false })
                {
                    throw new CliUsageException($"{only.Name}: expected --timeline with it, found none.");
                }
            }

            return RunAsync(
                parse.GetRequiredValue(models),
                parse.GetValue(audio),
                parse.GetValue(frames),
                parse.GetValue(video),
                parse.GetRequiredValue(mode),
                jsonTarget,
                output,
                cancellationToken);
        });
        return command;
    }

    /// <summary>Reads an output option that takes an optional file: absent, on stdout (no value, or <c>-</c>), or a file.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="option">The option.</param>
    /// <returns><see langword="null"/>, <see cref="TimelineSettings.Stdout"/> or the path.</returns>
    private static string? Target(ParseResult parse, Option<string?> option) =>
        parse.GetResult(option) is null ? null : parse.GetValue(option) ?? TimelineSettings.Stdout;

    /// <summary>Reads a WAV file, naming the file in any error.</summary>
    /// <param name="path">The path given on the command line.</param>
    /// <returns>The clip.</returns>
    internal static AudioClip ReadAudio(string path)
    {
        string file = InputPaths.RequireFile(path, "Audio");
        try
        {
            return AudioClip.ReadWav(file);
        }
        catch (InvalidAudioException ex)
        {
            // The library's messages name the part of the file at fault; add which file.
            throw new InvalidAudioException($"'{Path.GetFileName(file)}': {ex.Message}", ex);
        }
    }

    /// <summary>Describes a clip's sound on one line.</summary>
    /// <param name="clip">The clip.</param>
    /// <returns>Rate, channels and duration.</returns>
    internal static string Describe(AudioClip clip) =>
        string.Create(CultureInfo.InvariantCulture, $"{clip.SampleRate} Hz, {clip.Channels} channel(s), {clip.Duration.TotalSeconds:0.00} s");

    /// <summary>Gets the frame stride of a recognizer's model set (every how many frames one is sampled).</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <returns>The stride.</returns>
    internal static int FrameStride(EmotionRecognizer recognizer) =>
        (recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata)?.FrameStride ?? 10;

    /// <summary>Writes a prediction as text: label, score bars, modalities, sampled frames, contributions and timings.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="recognizer">The recognizer that made it (for the silence gate's threshold).</param>
    /// <param name="frameName">Names a frame by its 0-based index in the clip.</param>
    /// <param name="output">Where to write.</param>
    internal static void WriteText(EmotionPrediction prediction, EmotionRecognizer recognizer, Func<int, string> frameName, TextWriter output)
    {
        var report = PredictionReport.From(prediction);
        var audio = recognizer.GetService(typeof(AudioPreprocessor)) as AudioPreprocessor;
        CultureInfo inv = CultureInfo.InvariantCulture;

        output.WriteLine(string.Create(inv, $"Prediction: {report.Label} (confidence {report.Confidence:0.000})"));
        if (report.Label != report.RawLabel)
        {
            output.WriteLine($"  the highest score is '{report.RawLabel}', a label that needs a voice, and the audio is {StatusText.Name(prediction.Mask.Audio)}: reported as '{report.Label}'");
        }

        int labelWidth = report.Scores.Keys.Max(l => l.Length);
        foreach (var (label, score) in report.Scores)
        {
            string marker = label == report.RawLabel ? " <" : string.Empty;
            output.WriteLine(string.Create(inv, $"  {label.PadRight(labelWidth)}  {score:0.000}  {new string('#', (int)MathF.Round(score * BarWidth))}{marker}"));
        }

        output.WriteLine();
        output.WriteLine($"Modality mask: {prediction.Mask}");
        string gate = audio is null ? string.Empty : string.Create(inv, $" (gate {audio.Options.SilenceRmsThreshold:0.###})");
        output.WriteLine(string.Create(inv, $"  audio: {StatusText.Reason(prediction.Mask.Audio)}, rms {prediction.AudioRms:0.#####}{gate}"));
        output.WriteLine($"  video: {StatusText.Reason(prediction.Mask.Video)}; {report.Video.Frames} frame(s) sampled, {report.Video.Faces} with a face");
        if (prediction.Frames.Count > 0)
        {
            string[] names = [.. prediction.Frames.Select(f => frameName(f.FrameIndex))];
            int nameWidth = Math.Max(4, names.Max(n => n.Length));
            output.WriteLine($"    {"frame",5}  {"file".PadRight(nameWidth)}  {"face box (x, y, w, h)",-22}  {"mean luma",9}  {"std luma",8}  status");
            for (int i = 0; i < prediction.Frames.Count; i++)
            {
                FrameAnalysis f = prediction.Frames[i];
                string box = f.Face is { } b ? $"{b.X}, {b.Y}, {b.Width}, {b.Height}" : "none (whole frame)";
                output.WriteLine(string.Create(inv, $"    {f.FrameIndex + 1,5}  {names[i].PadRight(nameWidth)}  {box,-22}  {f.MeanLuma,9:0.0}  {f.LumaStdDev,8:0.0}  {StatusText.Name(f.Status)}"));
            }
        }

        if (report.Contributions is { } c)
        {
            output.WriteLine(string.Create(inv, $"Contributions: audio {c.Audio:0.0000}, video {c.Video:0.0000} (how far the scores move, 0 to 1, when that modality is replaced by its zero input)"));
        }

        StageTimingsReport t = report.TimingsMs;
        output.WriteLine(string.Create(
            inv,
            $"Timings (ms): audio preprocessing {t.AudioPreprocessing:0.0}, audio encoder {t.AudioEncoder:0.0}, video preprocessing {t.VideoPreprocessing:0.0}, visual encoder {t.VisualEncoder:0.0}, fusion {t.Fusion:0.0}, total {t.Total:0.0}"));
        output.WriteLine("  (on the CPU the audio path runs first, then the video path; a stage skipped because its output for silence or blank frames is cached shows 0)");
    }

    /// <summary>Decodes ahead of use the frames the pipeline will sample (so decoding is not timed as preprocessing, and a
    /// bad file fails before the models run).</summary>
    /// <param name="frames">The clip's frames.</param>
    /// <param name="stride">The model set's frame stride.</param>
    internal static void PreloadSampled(ClipFrames frames, int stride) =>
        frames.Preload(Enumerable.Range(1, frames.Count / stride).Select(k => (k * stride) - 1));

    private static async Task<int> RunAsync(
        string models, string? audioPath, string? framesPath, string? videoPath, string mode, string? json, TextWriter output, CancellationToken cancellationToken)
    {
        // System.CommandLine starts watching for Ctrl+C once the action returns its task; yield so that happens before the slow part.
        await Task.Yield();
        if (models.Length == 0)
        {
            throw new CliUsageException("--models: expected a model folder, found an empty string.");
        }

        if (json is not null && json != TimelineSettings.Stdout)
        {
            OutputPaths.RequireFilePath("--json", json);
        }

        if (videoPath is not null)
        {
            if (audioPath is not null || framesPath is not null)
            {
                throw new CliUsageException("analyze: expected either --video or --audio/--frames, found both.");
            }

            if (videoPath.Length == 0)
            {
                throw new CliUsageException("--video: expected a video file, found an empty string.");
            }

            return await RunOnVideoAsync(models, videoPath, mode, json, output, cancellationToken).ConfigureAwait(false);
        }

        if (audioPath is null && framesPath is null)
        {
            throw new CliUsageException("analyze: expected --audio <in.wav>, --frames <image-or-folder>, both, or --video <file>, found none.");
        }

        if (audioPath is { Length: 0 })
        {
            throw new CliUsageException("--audio: expected a WAV file, found an empty string.");
        }

        if (framesPath is { Length: 0 })
        {
            throw new CliUsageException("--frames: expected an image or a folder of images, found an empty string.");
        }

        // Inputs first: a typo in a path should not wait for the models to load.
        AudioClip? clip = audioPath is null ? null : ReadAudio(audioPath);
        IReadOnlyList<string>? files = framesPath is null ? null : InputPaths.ImageFiles(framesPath);
        if (files is not null && files.Count > MaxFrames)
        {
            throw new CliInputException($"Images '{framesPath}': expected at most {MaxFrames} frames, found {files.Count}.");
        }

        using EmotionRecognizer recognizer = CommonOptions.CreateRecognizer(models, mode);
        int stride = FrameStride(recognizer);
        bool still = framesPath is not null && File.Exists(framesPath);
        using ClipFrames? frames = files is null ? null : still ? ClipFrames.Still(files[0], stride) : new ClipFrames(files);
        string? framesSource = framesPath is null ? null
            : still ? $"1 image ('{framesPath}'), a still: repeated {stride} time(s)" : $"{files!.Count} images from '{framesPath}' in name order";
        return await AnalyzeAsync(recognizer, models, mode, clip, audioPath, frames, framesSource, json, output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunOnVideoAsync(string models, string videoPath, string mode, string? json, TextWriter output, CancellationToken cancellationToken)
    {
        // The file first: a typo in a path should not wait for the models to load.
        string file = InputPaths.RequireFile(videoPath, "Video");
        using EmotionRecognizer recognizer = CommonOptions.CreateRecognizer(models, mode);
        int stride = FrameStride(recognizer);
        using VideoExtraction video = await VideoExtraction.ExtractAsync(file, stride, MaxFrames / stride, cancellationToken).ConfigureAwait(false);
        AudioClip? clip = video.AudioPath is null ? null : ReadAudio(video.AudioPath);
        using ClipFrames? frames = video.SampledFrames.Count == 0 ? null : new ClipFrames(video.ClipLayout(stride));
        string framesSource = $"{video.SampledFrames.Count} sampled frames extracted from '{videoPath}' by ffmpeg, laid out as a clip of {video.SampledFrames.Count * stride}";
        return await AnalyzeAsync(recognizer, models, mode, clip, videoPath, frames, framesSource, json, output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> AnalyzeAsync(
        EmotionRecognizer recognizer,
        string models,
        string mode,
        AudioClip? clip,
        string? audioPath,
        ClipFrames? frames,
        string? framesSource,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        int stride = FrameStride(recognizer);
        if (frames is not null)
        {
            PreloadSampled(frames, stride);
        }

        cancellationToken.ThrowIfCancellationRequested();

        EmotionPrediction prediction = await recognizer.RecognizeAsync(new EmotionInput { Audio = clip, Frames = frames }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (json is not null)
        {
            string document = JsonSerializer.Serialize(PredictionReport.From(prediction), CliJsonContext.Default.PredictionReport);
            if (json == TimelineSettings.Stdout)
            {
                output.WriteLine(document);
                return ExitCodes.Success;
            }

            OutputPaths.Write("--json", json, () => File.WriteAllText(json, document + Environment.NewLine));
        }

        var metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata;
        output.WriteLine($"Model set: {metadata?.ModelSetName ?? "?"} ({metadata?.ModelDirectory ?? models}), mode {mode}");
        output.WriteLine(clip is null ? "Audio:  none" : $"Audio:  {Path.GetFileName(audioPath)}, {Describe(clip)}");
        if (frames is null)
        {
            output.WriteLine("Frames: none");
        }
        else
        {
            output.WriteLine($"Frames: {framesSource}; one frame in {stride} is sampled: {frames.Count / stride}");
            if (frames.Count < stride)
            {
                output.WriteLine($"  note: fewer than {stride} frames give no sample, so the video counts as 'no frames'; give a folder of consecutive frames.");
            }
        }

        output.WriteLine();
        WriteText(prediction, recognizer, i => frames?.FileName(i) ?? string.Empty, output);
        return ExitCodes.Success;
    }
}
