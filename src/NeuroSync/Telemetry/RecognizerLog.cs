using Microsoft.Extensions.Logging;

namespace NeuroSync.Telemetry;

/// <summary>Source-generated log messages of <see cref="LoggingEmotionRecognizer"/>. Debug carries stage timings, Trace the
/// scores; no level logs samples or pixels.</summary>
internal static partial class RecognizerLog
{
    [LoggerMessage(1, LogLevel.Information, "NeuroSync model set '{ModelSet}' loaded from {Directory} on {ExecutionProvider}.")]
    public static partial void ModelSetLoaded(ILogger logger, string modelSet, string directory, string executionProvider);

    [LoggerMessage(7, LogLevel.Warning, "CUDA was requested but cannot be used ({Reason}); NeuroSync runs on the CPU. Reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime and install the CUDA 12 and cuDNN 9 libraries, or set OnnxRuntime:FallBackToCpu to false to fail at start-up instead.")]
    public static partial void CudaFallback(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Audio arrives at {SampleRate} Hz; it is resampled to {TargetSampleRate} Hz, which costs time on every clip. Record at {TargetSampleRate} Hz to skip it (logged once per rate).")]
    public static partial void AudioResampled(ILogger logger, int sampleRate, int targetSampleRate);

    [LoggerMessage(3, LogLevel.Debug, "Recognition finished: {Label} ({Mask}) in {TotalMs:F1} ms (audio {AudioPreprocessingMs:F1} + {AudioEncoderMs:F1} ms, video {VideoPreprocessingMs:F1} + {VisualEncoderMs:F1} ms, fusion {FusionMs:F1} ms).")]
    public static partial void RecognitionCompleted(ILogger logger, string label, ModalityMask mask, double totalMs, double audioPreprocessingMs, double audioEncoderMs, double videoPreprocessingMs, double visualEncoderMs, double fusionMs);

    [LoggerMessage(4, LogLevel.Trace, "Recognition scores: {Scores}.")]
    public static partial void RecognitionScores(ILogger logger, string scores);

    [LoggerMessage(5, LogLevel.Error, "Recognition failed with {ErrorType}.")]
    public static partial void RecognitionFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(6, LogLevel.Debug, "Recognition cancelled.")]
    public static partial void RecognitionCancelled(ILogger logger);
}
