namespace NeuroSync.Telemetry;

/// <summary>Every telemetry name, unit and bucket NeuroSync emits, in one place (documented in docs/observability.md).</summary>
internal static class NeuroSyncTelemetry
{
    /// <summary>The default name of the <see cref="System.Diagnostics.ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "NeuroSync";

    public const string RecognizeActivity = "neurosync.recognize";
    public const string AudioPreprocessingActivity = "neurosync.audio.preprocess";
    public const string AudioEncoderActivity = "neurosync.audio.encode";
    public const string VideoPreprocessingActivity = "neurosync.video.preprocess";
    public const string VisualEncoderActivity = "neurosync.video.encode";
    public const string FusionActivity = "neurosync.fusion";

    public const string RecognitionDuration = "neurosync.recognition.duration";
    public const string StageDuration = "neurosync.stage.duration";
    public const string Predictions = "neurosync.predictions";

    public const string SecondsUnit = "s";
    public const string PredictionsUnit = "{prediction}";

    public const string StageTag = "neurosync.stage";
    public const string LabelTag = "neurosync.label";
    public const string AudioStatusTag = "neurosync.audio.status";
    public const string VideoStatusTag = "neurosync.video.status";
    public const string ModelSetTag = "neurosync.model_set";
    public const string ExecutionProviderTag = "neurosync.execution_provider";
    public const string ErrorTypeTag = "error.type";

    /// <summary>Bucket boundaries in seconds, from a fast fusion head (1 ms) to a slow CPU clip (10 s).</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
}
