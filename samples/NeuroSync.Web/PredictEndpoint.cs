using System.Diagnostics;
using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.Web;

/// <summary><c>POST /api/predict</c>: one clip in (multipart <c>audio</c> WAV and/or <c>frames</c> images), one prediction out.</summary>
/// <param name="reader">Decodes the upload.</param>
/// <param name="recognizer">The pipeline.</param>
/// <param name="logger">Where request outcomes and model failures are logged.</param>
/// <remarks>Thread-safe: one instance serves every request.</remarks>
internal sealed partial class PredictEndpoint(ClipUploadReader reader, IEmotionRecognizer recognizer, ILogger<PredictEndpoint> logger)
{
    private string ModelSetName { get; } = (recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata)?.ModelSetName ?? "unknown";

    /// <summary>Handles a request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The prediction (200), a problem-details refusal naming the field at fault (400, 413, 415, 422) or a
    /// generic failure (500).</returns>
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        CancellationToken cancellationToken = context.RequestAborted;
        try
        {
            using ClipUpload upload = await reader.ReadAsync(context.Request, cancellationToken);
            EmotionPrediction prediction = await recognizer.RecognizeAsync(upload.ToInput(), cancellationToken: cancellationToken);
            PredictionResponse response = ToResponse(prediction, upload.Frames.Count, Stopwatch.GetElapsedTime(started), ModelSetName);
            LogPrediction(logger, response.Label, response.Confidence, response.Mask.Text, response.Frames.Received, response.Frames.WithFace, response.Timings.Server);
            return Results.Json(response, WebJsonContext.Default.PredictionResponse);
        }
        catch (UploadRejectedException ex)
        {
            LogRejected(logger, ex.StatusCode, ex.Field, ex.Message);
            return ApiProblems.Upload(ex.StatusCode, ex.Message, ex.Field, ex.InnerException as NeuroSyncException);
        }
        catch (InvalidAudioException ex)
        {
            // Decoded but unusable, e.g. NaN samples: still the client's input.
            LogRejected(logger, StatusCodes.Status400BadRequest, ClipUploadReader.AudioField, ex.Message);
            return ApiProblems.Upload(StatusCodes.Status400BadRequest, ex.Message, ClipUploadReader.AudioField, ex);
        }
        catch (InvalidImageException ex)
        {
            LogRejected(logger, StatusCodes.Status400BadRequest, ClipUploadReader.FramesField, ex.Message);
            return ApiProblems.Upload(StatusCodes.Status400BadRequest, ex.Message, ClipUploadReader.FramesField, ex);
        }
        catch (NeuroSyncException ex)
        {
            // A model or inference failure: the details (paths, tensor names) are for the operator's log, not the client.
            LogModelFailure(logger, ex);
            return ApiProblems.Upload(StatusCodes.Status500InternalServerError, ApiProblems.ServerErrorDetail, null);
        }
    }

    private static PredictionResponse ToResponse(EmotionPrediction prediction, int framesReceived, TimeSpan serverTime, string modelSetName)
    {
        var scores = new LabelScore[prediction.Scores.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = new LabelScore(prediction.Labels[i], prediction.Scores[i]);
        }

        StageTimings t = prediction.Timings;
        return new PredictionResponse(
            prediction.Label,
            prediction.RawLabel,
            prediction.Confidence,
            scores,
            new MaskResponse(CamelCase(prediction.Mask.Audio.ToString()), CamelCase(prediction.Mask.Video.ToString()), prediction.Mask.ToString()),
            prediction.Contributions is { } c ? new ContributionsResponse(c.Audio, c.Video) : null,
            new FramesResponse(framesReceived, prediction.Frames.Count(f => f.Face is not null)),
            new TimingsResponse(
                t.AudioPreprocessing.TotalMilliseconds,
                t.VideoPreprocessing.TotalMilliseconds,
                t.AudioEncoder.TotalMilliseconds,
                t.VisualEncoder.TotalMilliseconds,
                t.Fusion.TotalMilliseconds,
                t.Total.TotalMilliseconds,
                serverTime.TotalMilliseconds),
            modelSetName);
    }

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Predicted {Label} ({Confidence:F3}); {Mask}; {Frames} frames, {FramesWithFace} with a face; {ServerMs:F0} ms")]
    private static partial void LogPrediction(ILogger logger, string label, float confidence, string mask, int frames, int framesWithFace, double serverMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Refused a clip with {StatusCode} (field {Field}): {Reason}")]
    private static partial void LogRejected(ILogger logger, int statusCode, string? field, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The model failed on a clip")]
    private static partial void LogModelFailure(ILogger logger, Exception exception);
}
