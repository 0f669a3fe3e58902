using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NeuroSync.Telemetry;

namespace NeuroSync;

/// <summary>
/// Logs what a recognizer does: the model set and execution provider once (Information), a CUDA fallback and audio that
/// needs resampling (Warning, once per rate), each recognition's label, mask and stage timings (Debug), its scores
/// (Trace), and failures (Error). Nothing at any level carries samples or pixels.
/// </summary>
/// <remarks>Thread-safe. Messages are source-generated and cost nothing below the logger's level. Owns the inner recognizer.</remarks>
public sealed class LoggingEmotionRecognizer : DelegatingEmotionRecognizer
{
    // The sample rate is the caller's: past this many distinct rates, new ones are resampled as ever but no longer logged.
    private const int MaxLoggedRates = 16;

    private readonly ILogger _logger;
    private readonly int _targetSampleRate;
    private readonly ConcurrentDictionary<int, bool> _loggedRates = new();

    /// <summary>Wraps a recognizer and logs its model set.</summary>
    /// <param name="innerRecognizer">The recognizer to log; disposed with this one.</param>
    /// <param name="logger">Where the messages go.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingEmotionRecognizer(IEmotionRecognizer innerRecognizer, ILogger logger)
        : base(innerRecognizer)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        if (innerRecognizer.GetService(typeof(EmotionRecognizerMetadata)) is EmotionRecognizerMetadata metadata)
        {
            _targetSampleRate = metadata.AudioSampleRate;
            RecognizerLog.ModelSetLoaded(logger, metadata.ModelSetName, metadata.ModelDirectory ?? "(parts)", metadata.ExecutionProvider);
            if (metadata.ProviderFallbackReason is { } reason)
            {
                RecognizerLog.CudaFallback(logger, reason);
            }
        }
    }

    /// <summary>Gets how many distinct resampled rates have been logged (at most 16).</summary>
    internal int LoggedRateCount => _loggedRates.Count;

    /// <inheritdoc/>
    public override async Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Audio is { } clip && _targetSampleRate > 0 && clip.SampleRate != _targetSampleRate
            && _loggedRates.Count < MaxLoggedRates && _loggedRates.TryAdd(clip.SampleRate, true))
        {
            RecognizerLog.AudioResampled(_logger, clip.SampleRate, _targetSampleRate);
        }

        try
        {
            EmotionPrediction prediction = await base.RecognizeAsync(input, options, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                StageTimings t = prediction.Timings;
                RecognizerLog.RecognitionCompleted(
                    _logger, prediction.Label, prediction.Mask, t.Total.TotalMilliseconds, t.AudioPreprocessing.TotalMilliseconds, t.AudioEncoder.TotalMilliseconds,
                    t.VideoPreprocessing.TotalMilliseconds, t.VisualEncoder.TotalMilliseconds, t.Fusion.TotalMilliseconds);
            }

            if (_logger.IsEnabled(LogLevel.Trace))
            {
                RecognizerLog.RecognitionScores(_logger, string.Join(", ", prediction.Labels.Zip(prediction.Scores, (l, p) => $"{l} {p:F4}")));
            }

            return prediction;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RecognizerLog.RecognitionCancelled(_logger);
            throw;
        }
        catch (Exception ex)
        {
            RecognizerLog.RecognitionFailed(_logger, ex, ex.GetType().Name);
            throw;
        }
    }
}
