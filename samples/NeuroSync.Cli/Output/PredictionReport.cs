namespace NeuroSync.Cli.Output;

/// <summary>What <c>analyze</c> prints: the prediction, the state of each modality, how much each one moved the result, and the time per stage.</summary>
/// <param name="Label">The reported label (the arg-max, or the silence override such as <c>neutral (silence)</c>).</param>
/// <param name="RawLabel">The arg-max label before any override.</param>
/// <param name="Confidence">The probability of <paramref name="RawLabel"/>.</param>
/// <param name="Scores">The probability of every label, in the model set's label order.</param>
/// <param name="Audio">The state of the audio.</param>
/// <param name="Video">The state of the video.</param>
/// <param name="Contributions">How far the scores move when a modality is replaced by its zero input, when computed.</param>
/// <param name="TimingsMs">The time per stage, in milliseconds.</param>
internal sealed record PredictionReport(
    string Label,
    string RawLabel,
    float Confidence,
    OrderedDictionary<string, float> Scores,
    PredictionAudioReport Audio,
    PredictionVideoReport Video,
    ContributionsReport? Contributions,
    StageTimingsReport TimingsMs)
{
    /// <summary>Converts a prediction.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <returns>The printed form.</returns>
    public static PredictionReport From(EmotionPrediction prediction)
    {
        var scores = new OrderedDictionary<string, float>(prediction.Labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < prediction.Labels.Count; i++)
        {
            scores.Add(prediction.Labels[i], prediction.Scores[i]);
        }

        return new PredictionReport(
            prediction.Label,
            prediction.RawLabel,
            prediction.Confidence,
            scores,
            new PredictionAudioReport(StatusText.Name(prediction.Mask.Audio), prediction.AudioRms),
            new PredictionVideoReport(StatusText.Name(prediction.Mask.Video), prediction.Frames.Count, prediction.Frames.Count(f => f.Face is not null)),
            prediction.Contributions is { } c ? new ContributionsReport(c.Audio, c.Video) : null,
            StageTimingsReport.From(prediction.Timings));
    }
}
