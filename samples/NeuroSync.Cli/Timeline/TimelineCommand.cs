using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Cli.Commands;
using NeuroSync.Cli.Output;
using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// <c>neurosync analyze --timeline</c>: a whole recording (a video file through ffmpeg, or a folder of frames with an
/// optional WAV) through the streaming API, one row per window (a table, JSON lines or CSV), a summary, and optionally an
/// SVG plot of the scores over time.
/// </summary>
/// <remarks>
/// <para>The recording is read incrementally, in time order, never whole: ffmpeg decodes the video's frames (raw RGB) and
/// its sound (16 kHz mono PCM) into two pipes, and a frame folder's images are decoded one at a time. The stream holds one
/// window of audio and of frame features, and a backlog of <see cref="MaxBacklog"/> inputs. A WAV given with
/// <c>--audio</c> is decoded whole (the library's WAV reader takes files up to 2^26 samples); a video's sound is not.</para>
/// <para>Rows come out as the stream judges each window. Ctrl+C stops reading; the windows of what was read are still
/// judged and written, then the summary (marked partial) and the plot, and the exit code is 130.</para>
/// </remarks>
internal static class TimelineCommand
{
    /// <summary>How many inputs (frames and audio chunks) may wait for the stream: few, since a frame of a large video
    /// weighs megabytes; the feeder waits rather than lose any.</summary>
    internal const int MaxBacklog = 16;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs the command.</summary>
    /// <param name="settings">The command line.</param>
    /// <param name="output">Standard output: the table, or the JSON lines or CSV sent there.</param>
    /// <param name="error">Standard error: the progress, and the summary when CSV goes to standard output.</param>
    /// <param name="cancellationToken">Ctrl+C: stops reading; what was read is still reported.</param>
    /// <param name="rowDone">Called after each row is written (tests use it to cancel part-way).</param>
    /// <returns>The exit code: 0, or <see cref="ExitCodes.Cancelled"/> after a partial timeline.</returns>
    internal static async Task<int> RunAsync(
        TimelineSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<TimelineWindowReport>? rowDone = null)
    {
        // System.CommandLine starts watching for Ctrl+C once the action returns its task; yield so that happens before the slow part.
        await Task.Yield();
        Check(settings);

        // Inputs first: a typo in a path should not wait for the models to load.
        string? ffmpeg = null;
        MediaProbe? probe = null;
        AudioClip? clip = null;
        IReadOnlyList<string>? files = null;
        string input;
        if (settings.Video is { } videoPath)
        {
            string file = InputPaths.RequireFile(videoPath, "Video");
            ffmpeg = VideoExtraction.RequireFfmpeg(videoPath);
            probe = await MediaProbe.RunAsync(ffmpeg, file, cancellationToken).ConfigureAwait(false);
            input = videoPath;
        }
        else
        {
            clip = settings.Audio is null ? null : AnalyzeCommand.ReadAudio(settings.Audio);
            files = settings.Frames is null ? null : InputPaths.ImageFiles(settings.Frames);
            input = settings.Frames is { } f && settings.Audio is { } a ? $"{f} + {a}" : settings.Frames ?? settings.Audio!;
        }

        using EmotionRecognizer recognizer = CommonOptions.CreateRecognizer(settings.Models, settings.Mode);
        var metadata = recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata;
        TimeSpan hop = TimeSpan.FromSeconds(settings.Hop);
        TimeSpan window = settings.Window is { } w ? TimeSpan.FromSeconds(w) : ClipLength(recognizer);
        if (window < hop)
        {
            throw new CliUsageException(string.Create(Inv, $"--hop {settings.Hop}: expected at most the window ({window.TotalSeconds:0.###} s, the model set's clip length), found more; set --window too, or the windows leave gaps."));
        }

        var options = new StreamOptions
        {
            Hop = hop,
            Window = window,
            MaxBacklog = MaxBacklog,
            MaxPendingUpdates = 1000,
            ComputeContributions = false,
        };

        TextWriter? json = null, csv = null;
        try
        {
            json = Open("--json", settings.Json, output);
            csv = Open("--csv", settings.Csv, output);
            bool table = !ReferenceEquals(json, output) && !ReferenceEquals(csv, output);
            EmotionLabelSet labels = recognizer.Labels;
            var text = new TimelineText(labels);
            var rows = new TimelineRows(labels);
            string modelSet = metadata?.ModelSetName ?? "?";
            string mode = settings.Mode.ToLowerInvariant();

            await using ITimelineFrames? frames = settings.Video is not null
                ? probe!.HasVideo ? VideoFrames.Start(ffmpeg!, Path.GetFullPath(settings.Video), settings.Fps) : null
                : files is null ? null : new FolderFrames(files, settings.Fps!.Value);
            await using ITimelineAudio? audio = settings.Video is not null
                ? probe!.HasAudio ? PipeAudio.Start(ffmpeg!, Path.GetFullPath(settings.Video)) : null
                : clip is null ? null : new ClipAudio(clip);
            TimeSpan? duration = probe is not null ? probe.Duration
                : TimeSpan.FromTicks(Math.Max((frames as FolderFrames)?.Duration.Ticks ?? 0, clip?.Duration.Ticks ?? 0));

            if (table)
            {
                output.WriteLine(Describe(input, duration, probe, files, clip, settings, metadata, mode, hop, window));
                output.WriteLine();
                output.WriteLine(text.Header());
            }

            csv?.WriteLine(TimelineCsv.Header(labels));
            int total = duration is { } d ? (int)Math.Max(1, Math.Ceiling(d.Ticks / (double)hop.Ticks)) : 1;
            var progress = new ProgressDisplay(error, total, ProgressDisplay.IsTerminal(error), "analyze", "windows", countsFailures: false);

            bool complete = true;
            int dropped;
            // Updates wait for the reader up to MaxPendingUpdates; keep the input within half as many hops of the reader.
            var feeder = new StreamFeeder(window + (hop * (options.MaxPendingUpdates / 2)));
            await using (EmotionStreamSession session = recognizer.OpenStream(options))
            {
                using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Task feed = Task.Run(() => feeder.FeedAsync(session, frames, audio, stopFeeding.Token), CancellationToken.None);
                try
                {
                    await foreach (EmotionUpdate update in session.ReadUpdatesAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        // The feeder has finished by the final update (it completes the stream), so what it wrote is known.
                        TimeSpan? end = !update.IsFinal ? null
                            : cancellationToken.IsCancellationRequested || duration is null ? feeder.Written
                            : duration.Value > feeder.Written ? duration.Value : feeder.Written;
                        if (rows.Add(update, end) is not { } row)
                        {
                            continue;
                        }

                        if (table)
                        {
                            progress.WriteLine(output, text.Row(row));
                        }

                        json?.WriteLine(JsonSerializer.Serialize(row, CliJsonContext.Default.TimelineWindowReport));
                        csv?.WriteLine(TimelineCsv.Row(row, labels));
                        progress.Advance();
                        feeder.UpdateRead(update.WindowEnd);
                        rowDone?.Invoke(row);
                    }
                }
                catch
                {
                    // The stream failed (a model error): stop the feeder, then report the stream's error, not the feeder's.
                    await stopFeeding.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAny(feed).ConfigureAwait(false);
                    _ = feed.Exception;
                    progress.Finish();
                    throw;
                }

                progress.Finish();
                try
                {
                    // Ends once the stream ended: the feeder completes the stream however it stops.
                    await feed.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    complete = false;
                }

                dropped = session.DroppedFrames;
            }

            TimelineSummaryReport summary = rows.Summarise(input, modelSet, mode, hop, window, complete, dropped);
            if (table)
            {
                output.WriteLine();
                TimelineText.WriteSummary(summary, output);
            }
            else if (ReferenceEquals(csv, output))
            {
                TimelineText.WriteSummary(summary, error);
            }

            json?.WriteLine(JsonSerializer.Serialize(summary, CliJsonContext.Default.TimelineSummaryReport));
            if (settings.Plot is { } plot)
            {
                OutputPaths.Write("--plot", plot, () => WritePlot(plot, labels, rows.Rows, summary));
            }

            if (!complete)
            {
                error.WriteLine(string.Create(Inv, $"{CliApplication.Name}: error: cancelled: the timeline covers the first {summary.Duration:0.00} s{(duration is { } all ? $" of {all.TotalSeconds:0.00} s" : string.Empty)}."));
                return ExitCodes.Cancelled;
            }

            return ExitCodes.Success;
        }
        finally
        {
            Close("--json", settings.Json, json, output);
            Close("--csv", settings.Csv, csv, output);
        }
    }

    /// <summary>Checks the options that need no file.</summary>
    private static void Check(TimelineSettings settings)
    {
        if (settings.Models.Length == 0)
        {
            throw new CliUsageException("--models: expected a model folder, found an empty string.");
        }

        if (settings.Video is not null && (settings.Audio is not null || settings.Frames is not null))
        {
            throw new CliUsageException("analyze --timeline: expected either --video or --audio/--frames, found both.");
        }

        if (settings.Video is null && settings.Audio is null && settings.Frames is null)
        {
            throw new CliUsageException("analyze --timeline: expected --video <file>, or --frames <folder> --fps N, --audio <in.wav> or both, found none.");
        }

        foreach (var (option, value, what) in new[] { ("--video", settings.Video, "a video file"), ("--audio", settings.Audio, "a WAV file"), ("--frames", settings.Frames, "a folder of frames") })
        {
            if (value is { Length: 0 })
            {
                throw new CliUsageException($"{option}: expected {what}, found an empty string.");
            }
        }

        if (settings.Hop is < TimelineSettings.MinSeconds or > TimelineSettings.MaxSeconds || !double.IsFinite(settings.Hop))
        {
            throw new CliUsageException(string.Create(Inv, $"--hop: expected {TimelineSettings.MinSeconds} to {TimelineSettings.MaxSeconds} seconds, found {settings.Hop}."));
        }

        if (settings.Window is { } window && (window < settings.Hop || window > TimelineSettings.MaxSeconds || !double.IsFinite(window)))
        {
            throw new CliUsageException(string.Create(Inv, $"--window: expected the hop ({settings.Hop} s) to {TimelineSettings.MaxSeconds} seconds, found {window}."));
        }

        if (settings.Fps is { } fps && (fps <= 0 || fps > TimelineSettings.MaxFps || !double.IsFinite(fps)))
        {
            throw new CliUsageException(string.Create(Inv, $"--fps: expected more than 0 and at most {TimelineSettings.MaxFps} frames per second, found {fps}."));
        }

        if (settings.Fps is not null && settings.Frames is null && settings.Video is null)
        {
            throw new CliUsageException("--fps: expected --frames or --video with it, found neither.");
        }

        if (settings.Frames is not null && settings.Fps is null)
        {
            throw new CliUsageException("--timeline --frames: expected --fps N, the frames' rate (the k-th image, from 0, is at k/N seconds), found none.");
        }

        if (settings.Frames is { } frames && File.Exists(frames))
        {
            throw new CliUsageException($"--timeline --frames '{frames}': expected a folder of frames, found one image; without --timeline, one image is a still clip.");
        }

        if (settings.Json == TimelineSettings.Stdout && settings.Csv == TimelineSettings.Stdout)
        {
            throw new CliUsageException("--json and --csv: expected at most one of them on standard output, found both; give one a file (--csv out.csv).");
        }

        foreach (var (option, path) in new[] { ("--json", settings.Json), ("--csv", settings.Csv), ("--plot", settings.Plot) })
        {
            if (path is not null && path != TimelineSettings.Stdout)
            {
                OutputPaths.RequireFilePath(option, path);
            }
        }

        if (settings.Plot is { } plot)
        {
            if (plot == TimelineSettings.Stdout)
            {
                throw new CliUsageException("--plot: expected an .svg file path, found '-'.");
            }

            string extension = Path.GetExtension(plot);
            if (!string.Equals(extension, ".svg", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException(
                    $"--plot '{plot}': expected an .svg file (SVG is the format supported), found {(extension.Length == 0 ? "no extension" : $"'{extension}'")}.");
            }
        }
    }

    private static TimeSpan ClipLength(EmotionRecognizer recognizer) => recognizer.GetService(typeof(AudioPreprocessor)) is AudioPreprocessor audio
        ? TimeSpan.FromSeconds((double)audio.MaxSamples / audio.TargetSampleRate)
        : TimeSpan.FromSeconds(7);

    private static TextWriter? Open(string option, string? target, TextWriter output)
    {
        if (target is null)
        {
            return null;
        }

        if (target == TimelineSettings.Stdout)
        {
            return output;
        }

        StreamWriter? writer = null;
        OutputPaths.Write(option, target, () => writer = new StreamWriter(target, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        return writer;
    }

    private static void Close(string option, string? target, TextWriter? writer, TextWriter output)
    {
        if (writer is null || ReferenceEquals(writer, output))
        {
            return;
        }

        OutputPaths.Write(option, target!, writer.Dispose);
    }

    private static string Describe(
        string input, TimeSpan? duration, MediaProbe? probe, IReadOnlyList<string>? files, AudioClip? clip, TimelineSettings settings,
        EmotionRecognizerMetadata? metadata, string mode, TimeSpan hop, TimeSpan window)
    {
        string length = duration is { } d ? string.Create(Inv, $"{d.TotalSeconds:0.00} s") : "length unknown";
        string content;
        if (probe is not null)
        {
            string video = !probe.HasVideo ? "no video" : settings.Fps is { } fps ? string.Create(Inv, $"video resampled to {fps:0.###} frames/s") : "video (every frame)";
            content = $"{video}, {(probe.HasAudio ? "audio (16 kHz mono)" : "no audio")}, decoded by ffmpeg as it is read";
        }
        else
        {
            string frames = files is null ? "no frames" : string.Create(Inv, $"{files.Count} frames at {settings.Fps:0.###} frames/s");
            content = $"{frames}, {(clip is null ? "no audio" : AnalyzeCommand.Describe(clip))}";
        }

        return string.Create(
            Inv,
            $"Timeline of '{input}' ({length}): {content}\nModel set: {metadata?.ModelSetName ?? "?"} ({metadata?.ModelDirectory ?? settings.Models}), mode {mode}, one frame in {metadata?.FrameStride ?? 1} of each window sampled; a window of {window.TotalSeconds:0.###} s every {hop.TotalSeconds:0.###} s");
    }

    private static void WritePlot(string path, IReadOnlyList<string> labels, IReadOnlyList<TimelineWindowReport> rows, TimelineSummaryReport summary)
    {
        string title = $"{summary.Input}: {summary.ModelSet}, mode {summary.Mode}{(summary.Complete ? string.Empty : " (partial)")}";
        string dominant = summary.Dominant is { } d ? $"; dominant: {d} ({summary.Labels[d].Windows} windows)" : string.Empty;
        string subtitle = string.Create(Inv, $"{summary.Windows} windows of {summary.Window:0.###} s every {summary.Hop:0.###} s over {summary.Duration:0.00} s{dominant}");
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        TimelineSvg.Write(writer, labels, rows, title, subtitle);
    }
}
