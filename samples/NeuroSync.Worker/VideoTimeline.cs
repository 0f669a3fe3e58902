using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NeuroSync.Audio;
using NeuroSync.Cli;
using NeuroSync.Cli.Output;
using NeuroSync.Cli.Timeline;
using NeuroSync.Streaming;

namespace NeuroSync.Worker;

/// <summary>
/// One video through the streaming API, as <c>neurosync analyze --video FILE --timeline --json</c> does it (the CLI's
/// ffmpeg pipes, feeder and rows): one JSON line per window, then the summary line.
/// </summary>
internal sealed class VideoTimeline
{
    /// <summary>How many inputs may wait for the stream (as the CLI: few, a frame of a large video weighs megabytes).</summary>
    private const int MaxBacklog = TimelineCommand.MaxBacklog;

    private readonly EmotionRecognizer _recognizer;
    private readonly WorkerOptions _options;
    private readonly WorkerHooks _hooks;
    private readonly TimeSpan _window;

    /// <summary>Creates the runner.</summary>
    /// <param name="recognizer">The recognizer (the one <c>AddNeuroSync</c> registers, or a decorator of it).</param>
    /// <param name="options">The hop, window, mode and rate.</param>
    /// <param name="hooks">Test hooks.</param>
    /// <exception cref="OptionsValidationException">The hop is longer than the window (by default the model set's clip length).</exception>
    public VideoTimeline(IEmotionRecognizer recognizer, WorkerOptions options, WorkerHooks hooks)
    {
        _recognizer = recognizer.GetService(typeof(EmotionRecognizer)) as EmotionRecognizer
            ?? throw new NotSupportedException($"{recognizer.GetType().Name}: the worker streams, and needs an EmotionRecognizer behind the recognizer.");
        _options = options;
        _hooks = hooks;
        _window = _options.Window is { } w ? TimeSpan.FromSeconds(w) : ClipLength();
        if (_window < TimeSpan.FromSeconds(_options.Hop))
        {
            // Found when the worker is made, at host start: the options validator does not know the model set's clip
            // length, and later every video would be set aside with this error.
            throw new OptionsValidationException(Options.DefaultName, typeof(WorkerOptions), [string.Create(
                CultureInfo.InvariantCulture,
                $"Worker:Hop {_options.Hop}: expected at most the window ({_window.TotalSeconds} s, the model set's clip length), found more; set Worker:Window too.")]);
        }
    }

    /// <summary>Writes the timeline of a video.</summary>
    /// <param name="video">The video file.</param>
    /// <param name="output">Where the JSON lines go.</param>
    /// <param name="cancellationToken">Stops at once (nothing more is written; the caller drops the partial output).</param>
    /// <returns>The summary.</returns>
    /// <exception cref="CliInputException">ffmpeg cannot decode the file, or it has neither video nor audio.</exception>
    public async Task<TimelineSummaryReport> RunAsync(string video, TextWriter output, CancellationToken cancellationToken)
    {
        string ffmpeg = VideoExtraction.RequireFfmpeg(video);
        MediaProbe probe = await MediaProbe.RunAsync(ffmpeg, video, cancellationToken).ConfigureAwait(false);
        TimeSpan hop = TimeSpan.FromSeconds(_options.Hop);
        RecognitionMode? mode = _options.Mode is { } m ? Enum.Parse<RecognitionMode>(m, ignoreCase: true) : null;
        var streamOptions = new StreamOptions
        {
            Hop = hop,
            Window = _window,
            Mode = mode,
            MaxBacklog = MaxBacklog,
            MaxPendingUpdates = 1000,
            ComputeContributions = false,
        };
        var metadata = _recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata;
        var rows = new TimelineRows(_recognizer.Labels);
        string name = Path.GetFileName(video);

        await using ITimelineFrames? frames = probe.HasVideo ? VideoFrames.Start(ffmpeg, Path.GetFullPath(video), _options.Fps) : null;
        await using ITimelineAudio? audio = probe.HasAudio ? PipeAudio.Start(ffmpeg, Path.GetFullPath(video)) : null;
        var feeder = new StreamFeeder(_window + (hop * (streamOptions.MaxPendingUpdates / 2)));
        int dropped;
        await using (EmotionStreamSession session = _recognizer.OpenStream(streamOptions))
        {
            using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task feed = Task.Run(() => feeder.FeedAsync(session, frames, audio, stopFeeding.Token), CancellationToken.None);
            try
            {
                await foreach (EmotionUpdate update in session.ReadUpdatesAsync(cancellationToken).ConfigureAwait(false))
                {
                    TimeSpan? end = !update.IsFinal ? null
                        : probe.Duration is { } duration && duration > feeder.Written ? duration : feeder.Written;
                    if (rows.Add(update, end) is not { } row)
                    {
                        continue;
                    }

                    await output.WriteLineAsync(JsonSerializer.Serialize(row, CliJsonContext.Default.TimelineWindowReport).AsMemory(), cancellationToken).ConfigureAwait(false);
                    feeder.UpdateRead(update.WindowEnd);
                    if (_hooks.WindowWritten is { } hook)
                    {
                        await hook(video, cancellationToken).ConfigureAwait(false);
                    }
                }

                // The feeder completed the stream, so it has ended; a decoding failure (ffmpeg's exit code) comes out here.
                await feed.ConfigureAwait(false);
            }
            catch
            {
                await stopFeeding.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(feed).ConfigureAwait(false);
                _ = feed.Exception;
                throw;
            }

            dropped = session.DroppedFrames;
        }

        TimelineSummaryReport summary = rows.Summarise(name, metadata?.ModelSetName ?? "?", (mode ?? metadata?.Mode ?? RecognitionMode.Robust).ToString().ToLowerInvariant(), hop, _window, complete: true, dropped);
        await output.WriteLineAsync(JsonSerializer.Serialize(summary, CliJsonContext.Default.TimelineSummaryReport).AsMemory(), cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private TimeSpan ClipLength() => _recognizer.GetService(typeof(AudioPreprocessor)) is AudioPreprocessor audio
        ? TimeSpan.FromSeconds((double)audio.MaxSamples / audio.TargetSampleRate)
        : TimeSpan.FromSeconds(7);
}
