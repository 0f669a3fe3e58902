using System.Diagnostics;
using System.Diagnostics.Metrics;
using NeuroSync.Telemetry;

namespace NeuroSync;

/// <summary>
/// Traces and measures a recognizer with the platform's <see cref="ActivitySource"/> and <see cref="Meter"/>, which
/// OpenTelemetry collects (<c>AddSource("NeuroSync")</c>, <c>AddMeter("NeuroSync")</c>): a <c>neurosync.recognize</c> span
/// with one child span per stage, the <c>neurosync.recognition.duration</c> and <c>neurosync.stage.duration</c> histograms
/// (seconds) and the <c>neurosync.predictions</c> counter, tagged with the model set, the execution provider, the modality
/// statuses, the label and, on failure, <c>error.type</c>. Names and units: docs/observability.md.
/// </summary>
/// <remarks>Thread-safe. Costs nothing when nobody listens: spans start only with a listener, tags are set only when the
/// span records data, and time is measured only for an enabled instrument. Stage spans and stage durations come from the
/// prediction's <see cref="EmotionPrediction.Timings"/>, so the recognizer itself carries no telemetry. Owns the inner
/// recognizer, the activity source, and the meter when no <see cref="IMeterFactory"/> is given.</remarks>
public sealed class OpenTelemetryEmotionRecognizer : DelegatingEmotionRecognizer
{
    private readonly ActivitySource _source;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _recognitionDuration;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _predictions;
    private readonly KeyValuePair<string, object?> _modelSet;
    private readonly KeyValuePair<string, object?> _provider;

    /// <summary>Wraps a recognizer.</summary>
    /// <param name="innerRecognizer">The recognizer to trace and measure; disposed with this one.</param>
    /// <param name="meterFactory">Creates the meter (DI's, so hosts and tests can tell meters apart); this object owns a meter
    /// of its own when <see langword="null"/>.</param>
    /// <param name="sourceName">The name of the activity source and the meter. Default <c>NeuroSync</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRecognizer"/> is <see langword="null"/>.</exception>
    public OpenTelemetryEmotionRecognizer(IEmotionRecognizer innerRecognizer, IMeterFactory? meterFactory = null, string? sourceName = null)
        : base(innerRecognizer)
    {
        string name = string.IsNullOrEmpty(sourceName) ? NeuroSyncTelemetry.Name : sourceName;
        _source = new ActivitySource(name);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(name)) ?? new Meter(name);
        var metadata = innerRecognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata;
        _modelSet = new(NeuroSyncTelemetry.ModelSetTag, metadata?.ModelSetName ?? "unknown");
        _provider = new(NeuroSyncTelemetry.ExecutionProviderTag, metadata?.ExecutionProvider.ToLowerInvariant() ?? "unknown");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = NeuroSyncTelemetry.DurationBuckets };
        _recognitionDuration = _meter.CreateHistogram(NeuroSyncTelemetry.RecognitionDuration, NeuroSyncTelemetry.SecondsUnit, "End-to-end duration of a recognition.", advice: advice);
        _stageDuration = _meter.CreateHistogram(NeuroSyncTelemetry.StageDuration, NeuroSyncTelemetry.SecondsUnit, "Duration of one pipeline stage of a recognition.", advice: advice);
        _predictions = _meter.CreateCounter<long>(NeuroSyncTelemetry.Predictions, NeuroSyncTelemetry.PredictionsUnit, "Predictions by reported label and modality status.");
    }

    /// <inheritdoc/>
    public override async Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        using Activity? activity = _source.StartActivity(NeuroSyncTelemetry.RecognizeActivity);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(_modelSet.Key, _modelSet.Value);
            activity.SetTag(_provider.Key, _provider.Value);
        }

        long start = _recognitionDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        try
        {
            EmotionPrediction prediction = await base.RecognizeAsync(input, options, cancellationToken).ConfigureAwait(false);
            Record(prediction, activity);
            return prediction;
        }
        catch (Exception ex)
        {
            string errorType = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? typeof(OperationCanceledException).FullName! : ex.GetType().FullName!;
            if (_recognitionDuration.Enabled && start != 0)
            {
                var tags = new TagList { _modelSet, _provider, { NeuroSyncTelemetry.ErrorTypeTag, errorType } };
                _recognitionDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
            }

            activity?.SetTag(NeuroSyncTelemetry.ErrorTypeTag, errorType);
            activity?.SetStatus(ActivityStatusCode.Error, ex is OperationCanceledException ? "cancelled" : ex.Message);
            throw;
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(Meter) ? _meter
            : serviceKey is null && serviceType == typeof(ActivitySource) ? _source
            : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
            if (_ownsMeter)
            {
                _meter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static string StatusName<T>(T status)
        where T : struct, Enum => status.ToString().ToLowerInvariant();

    private void Record(EmotionPrediction prediction, Activity? activity)
    {
        StageTimings t = prediction.Timings;
        TimeSpan audioEncoderStart = t.AudioPreprocessing, videoEncoderStart = t.VideoStart + t.VideoPreprocessing, fusionStart = t.Total - t.Fusion;
        Stage(activity, NeuroSyncTelemetry.AudioPreprocessingActivity, "audio_preprocessing", TimeSpan.Zero, t.AudioPreprocessing);
        Stage(activity, NeuroSyncTelemetry.AudioEncoderActivity, "audio_encoder", audioEncoderStart, t.AudioEncoder);
        Stage(activity, NeuroSyncTelemetry.VideoPreprocessingActivity, "video_preprocessing", t.VideoStart, t.VideoPreprocessing);
        Stage(activity, NeuroSyncTelemetry.VisualEncoderActivity, "visual_encoder", videoEncoderStart, t.VisualEncoder);
        Stage(activity, NeuroSyncTelemetry.FusionActivity, "fusion", fusionStart, t.Fusion);

        string audio = StatusName(prediction.Mask.Audio), video = StatusName(prediction.Mask.Video);
        if (_recognitionDuration.Enabled || _predictions.Enabled)
        {
            var tags = new TagList { _modelSet, _provider, { NeuroSyncTelemetry.AudioStatusTag, audio }, { NeuroSyncTelemetry.VideoStatusTag, video } };
            _recognitionDuration.Record(t.Total.TotalSeconds, tags);
            if (_predictions.Enabled)
            {
                tags.Add(NeuroSyncTelemetry.LabelTag, prediction.Label);
                _predictions.Add(1, tags);
            }
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(NeuroSyncTelemetry.LabelTag, prediction.Label);
            activity.SetTag(NeuroSyncTelemetry.AudioStatusTag, audio);
            activity.SetTag(NeuroSyncTelemetry.VideoStatusTag, video);
        }
    }

    /// <summary>One stage, placed on the recognition's timeline: a histogram value and a child span. A stage that did not
    /// run (zero time) gets neither.</summary>
    private void Stage(Activity? parent, string activityName, string stage, TimeSpan offset, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        if (_stageDuration.Enabled)
        {
            _stageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(NeuroSyncTelemetry.StageTag, stage), _modelSet, _provider);
        }

        if (parent is not null)
        {
            DateTime begin = parent.StartTimeUtc + offset;
            using Activity? child = _source.StartActivity(activityName, ActivityKind.Internal, parent.Context, startTime: begin);
            child?.SetEndTime(begin + duration);
        }
    }
}
