using NeuroSync.Streaming;

namespace NeuroSync.Cli.Output;

/// <summary>One row of <c>analyze --timeline</c>: the prediction for one window of the recording.</summary>
/// <param name="Type">Always <c>window</c> (the last JSON line, the summary, has <c>summary</c>).</param>
/// <param name="Sequence">The window's number, from 0.</param>
/// <param name="Start">The window's start, in seconds on the recording's clock.</param>
/// <param name="End">The window's end (exclusive), in seconds: a multiple of the hop, or the end of the recording for the last.</param>
/// <param name="Label">The reported label, as <c>analyze</c> reports it (the silence override, <c>unknown</c>).</param>
/// <param name="RawLabel">The arg-max label before any override.</param>
/// <param name="Confidence">The probability of <paramref name="RawLabel"/>.</param>
/// <param name="Scores">The probability of every label, in the model set's label order.</param>
/// <param name="Audio">The window's audio status and RMS.</param>
/// <param name="Video">The window's video status, the frames it sampled and how many showed a face.</param>
/// <param name="Faces">The frames analysed since the previous row (one hop), those with a face and their face tracks.</param>
/// <param name="DroppedFrames">The frames the stream lost since the previous row (not the ones it refused and was given again).</param>
internal sealed record TimelineWindowReport(
    string Type,
    long Sequence,
    double Start,
    double End,
    string Label,
    string RawLabel,
    float Confidence,
    OrderedDictionary<string, float> Scores,
    PredictionAudioReport Audio,
    PredictionVideoReport Video,
    TimelineFacesReport Faces,
    int DroppedFrames)
{
    /// <summary>Converts an update.</summary>
    /// <param name="update">The update.</param>
    /// <param name="droppedFrames">The frames lost since the previous update.</param>
    /// <returns>The row.</returns>
    public static TimelineWindowReport From(EmotionUpdate update, int droppedFrames)
    {
        PredictionReport prediction = PredictionReport.From(update.Prediction);
        int[] tracks = [.. update.Faces.Where(f => f.TrackId >= 0).Select(f => f.TrackId).Distinct()];
        return new TimelineWindowReport(
            "window",
            update.Sequence,
            Seconds(update.WindowStart),
            Seconds(update.WindowEnd),
            prediction.Label,
            prediction.RawLabel,
            prediction.Confidence,
            prediction.Scores,
            prediction.Audio,
            prediction.Video,
            new TimelineFacesReport(update.Faces.Count, update.Faces.Count(f => f.Face is not null), tracks),
            droppedFrames);
    }

    /// <summary>A stream time in seconds, as rows print it (rounded to the microsecond).</summary>
    /// <param name="time">The time.</param>
    /// <returns>The seconds.</returns>
    public static double Seconds(TimeSpan time) => Math.Round(time.TotalSeconds, 6);
}
