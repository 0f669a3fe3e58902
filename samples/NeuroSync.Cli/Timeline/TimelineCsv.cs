using System.Globalization;
using NeuroSync.Cli.Output;

namespace NeuroSync.Cli.Timeline;

/// <summary>A timeline as CSV (RFC 4180, comma-separated, a header line): the fields of the JSON rows, flattened.</summary>
internal static class TimelineCsv
{
    /// <summary>Gets the header line.</summary>
    /// <param name="labels">The model set's labels (one score column each, named by the label).</param>
    /// <returns>The header.</returns>
    public static string Header(IReadOnlyList<string> labels) => string.Join(
        ',',
        ((string[])["sequence", "start", "end", "label", "rawLabel", "confidence", .. labels,
            "audioStatus", "audioRms", "videoStatus", "videoFrames", "videoFaces", "hopFrames", "hopFaces", "tracks", "droppedFrames"]).Select(Quote));

    /// <summary>Formats one row.</summary>
    /// <param name="row">The row.</param>
    /// <param name="labels">The model set's labels, in the header's order.</param>
    /// <returns>The line.</returns>
    public static string Row(TimelineWindowReport row, IReadOnlyList<string> labels)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string[] fields =
        [
            row.Sequence.ToString(inv),
            row.Start.ToString(inv),
            row.End.ToString(inv),
            row.Label,
            row.RawLabel,
            row.Confidence.ToString(inv),
            .. labels.Select(l => row.Scores[l].ToString(inv)),
            row.Audio.Status,
            row.Audio.Rms.ToString(inv),
            row.Video.Status,
            row.Video.Frames.ToString(inv),
            row.Video.Faces.ToString(inv),
            row.Faces.Frames.ToString(inv),
            row.Faces.WithFace.ToString(inv),
            string.Join(' ', row.Faces.Tracks.Select(t => t.ToString(inv))),
            row.DroppedFrames.ToString(inv),
        ];
        return string.Join(',', fields.Select(Quote));
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
