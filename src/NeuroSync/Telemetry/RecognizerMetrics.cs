using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NeuroSync.Telemetry;

/// <summary>The recognizer's instruments. The meter comes from an <see cref="IMeterFactory"/> when one is given (DI owns it),
/// otherwise the recognizer owns a meter of its own and disposes it.</summary>
internal sealed class RecognizerMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _recognitionDuration;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _predictions;
    private readonly KeyValuePair<string, object?> _modelSet;

    public RecognizerMetrics(IMeterFactory? meterFactory, string modelSet)
    {
        Meter meter = meterFactory?.Create(new MeterOptions(NeuroSyncTelemetry.Name)) ?? (_ownedMeter = new Meter(NeuroSyncTelemetry.Name));
        Meter = meter;
        _modelSet = new(NeuroSyncTelemetry.ModelSetTag, modelSet);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = NeuroSyncTelemetry.DurationBuckets };
        _recognitionDuration = meter.CreateHistogram(NeuroSyncTelemetry.RecognitionDuration, "s", "End-to-end duration of a recognition.", advice: advice);
        _stageDuration = meter.CreateHistogram(NeuroSyncTelemetry.StageDuration, "s", "Duration of one pipeline stage of a recognition.", advice: advice);
        _predictions = meter.CreateCounter<long>(NeuroSyncTelemetry.Predictions, "{prediction}", "Predictions by reported label and modality status.");
    }

    public Meter Meter { get; }

    public bool IsRecognitionDurationEnabled => _recognitionDuration.Enabled;

    public void RecordStage(string stage, TimeSpan duration)
    {
        if (_stageDuration.Enabled && duration > TimeSpan.Zero)
        {
            _stageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(NeuroSyncTelemetry.StageTag, stage), _modelSet);
        }
    }

    public void RecordRecognition(TimeSpan duration, EmotionPrediction? prediction, string? errorType)
    {
        var tags = new TagList { _modelSet };
        if (prediction is not null)
        {
            tags.Add(NeuroSyncTelemetry.AudioStatusTag, StatusName(prediction.Mask.Audio));
            tags.Add(NeuroSyncTelemetry.VideoStatusTag, StatusName(prediction.Mask.Video));
        }

        if (errorType is not null)
        {
            tags.Add(NeuroSyncTelemetry.ErrorTypeTag, errorType);
        }

        _recognitionDuration.Record(duration.TotalSeconds, tags);
        if (prediction is not null && _predictions.Enabled)
        {
            tags.Add(NeuroSyncTelemetry.LabelTag, prediction.Label);
            _predictions.Add(1, tags);
        }
    }

    public static string StatusName<T>(T status)
        where T : struct, Enum => status.ToString().ToLowerInvariant();

    public void Dispose() => _ownedMeter?.Dispose();
}
