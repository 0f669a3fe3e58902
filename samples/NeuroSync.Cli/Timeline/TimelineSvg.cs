using System.Globalization;
using System.Xml;
using NeuroSync.Cli.Output;
using static NeuroSync.Cli.Output.SvgElements;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// Draws a timeline as a self-contained SVG: every label's score over time (one path per label, at each window's end,
/// with a legend), the stretches where a modality was not usable shaded behind the lines and drawn again as two lanes
/// under the time axis (audio: silent, no speech, missing; video: no face, covered, too dark, no frames), with their own
/// legend.
/// </summary>
/// <remarks>Elements carry classes for readers and tests: <c>score &lt;label&gt;</c> on each path, <c>band audio|video
/// &lt;status&gt;</c> on each lane rectangle and <c>shade ...</c> on each shaded stretch.</remarks>
internal static class TimelineSvg
{
    private const int FontSize = 12;
    private const double CharWidth = FontSize * 0.62;
    private const int Margin = 16;
    private const int PlotWidth = 900;
    private const int PlotHeight = 280;
    private const int LaneHeight = 14;
    private const int LaneGap = 4;

    private static readonly Dictionary<string, string> LabelColours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["angry"] = "#d62728",
        ["disgust"] = "#2ca02c",
        ["fear"] = "#9467bd",
        ["happy"] = "#ff7f0e",
        ["neutral"] = "#7f7f7f",
        ["sad"] = "#1f77b4",
        ["surprise"] = "#17becf",
    };

    private static readonly string[] Palette = ["#e377c2", "#bcbd22", "#8c564b", "#393b79", "#637939", "#843c39", "#7b4173"];

    private static readonly (string Status, string Colour, string Text)[] AudioStatuses =
    [
        ("silent", "#546e7a", "silent"),
        ("noSpeech", "#90a4ae", "no speech"),
        ("missing", "#212121", "no audio"),
    ];

    private static readonly (string Status, string Colour, string Text)[] VideoStatuses =
    [
        ("noFace", "#ffb300", "no face"),
        ("covered", "#8d6e63", "covered"),
        ("tooDark", "#4e342e", "too dark"),
        ("noFrames", "#000000", "no frames"),
    ];

    /// <summary>Writes the SVG document.</summary>
    /// <param name="writer">Where to write it.</param>
    /// <param name="labels">The model set's labels, one path each.</param>
    /// <param name="rows">The timeline's rows.</param>
    /// <param name="title">The first title line (what was analysed).</param>
    /// <param name="subtitle">The second title line (the settings and the dominant label).</param>
    public static void Write(TextWriter writer, IReadOnlyList<string> labels, IReadOnlyList<TimelineWindowReport> rows, string title, string subtitle)
    {
        double duration = Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.End), 1e-3);
        int legendText = Math.Max(labels.Max(l => l.Length), AudioStatuses.Concat(VideoStatuses).Max(s => s.Text.Length) + "video: ".Length);
        int legendWidth = (int)Math.Ceiling(legendText * CharWidth) + 34;
        int left = Margin + FontSize + 10 + (int)Math.Ceiling("1.00".Length * CharWidth) + 6;
        int top = Margin + (2 * (FontSize + 6)) + 12;
        double lanesTop = top + PlotHeight + FontSize + 14;
        int width = Math.Max(left + PlotWidth + 16 + legendWidth + Margin, Margin + (int)Math.Ceiling(Math.Max(title.Length, subtitle.Length) * CharWidth) + Margin);
        int height = (int)lanesTop + (2 * (LaneHeight + LaneGap)) + FontSize + 10 + Margin;

        double X(double seconds) => left + (PlotWidth * seconds / duration);
        double Y(double score) => top + (PlotHeight * (1 - Math.Clamp(score, 0, 1)));

        using XmlWriter xml = SvgElements.Create(writer);
        StartDocument(xml, width, height, FontSize);
        Text(xml, Margin, Margin + FontSize + 2, title, "start", bold: true);
        Text(xml, Margin, Margin + (2 * FontSize) + 10, subtitle, "start");

        // Shaded stretches first, so the grid and the lines are drawn over them.
        foreach (var (from, to, status, colour, lane) in Stretches(rows))
        {
            Rect(xml, X(from), top, X(to) - X(from), PlotHeight, colour, stroke: null, opacity: 0.14, cssClass: $"shade {lane} {status}");
        }

        // Axes and grid: scores 0 to 1 in quarters, time in round steps.
        for (int q = 0; q <= 4; q++)
        {
            double y = Y(q / 4.0);
            Line(xml, left, y, left + PlotWidth, y, q == 0 ? Ink : "#d0d0d0", dashed: q is > 0 and < 4);
            Text(xml, left - 6, y + (FontSize / 3.0), (q / 4.0).ToString("0.00", CultureInfo.InvariantCulture), "end");
        }

        double yAxisX = Margin + FontSize;
        double yAxisY = top + (PlotHeight / 2.0);
        Text(xml, yAxisX, yAxisY, "score", "middle", bold: true, transform: Invariant($"rotate(-90 {yAxisX:0.#} {yAxisY:0.#})"));
        Line(xml, left, top, left, top + PlotHeight, Ink);
        double step = TimeStep(duration);
        for (double t = 0; t <= duration + 1e-9; t += step)
        {
            Line(xml, X(t), top + PlotHeight, X(t), top + PlotHeight + 4, Ink);
            Text(xml, X(t), top + PlotHeight + FontSize + 5, FormatTime(t, step), "middle");
        }

        // One path per label through its score at each window's end, broken where a window judged nothing (robust mode's
        // "unknown": no usable modality, every score 0).
        for (int i = 0; i < labels.Count; i++)
        {
            string label = labels[i];
            var segments = new List<List<(double X, double Y)>> { new() };
            foreach (TimelineWindowReport row in rows)
            {
                if (row.Label == EmotionPrediction.UnknownLabel && row.Confidence == 0)
                {
                    segments.Add([]);
                    continue;
                }

                segments[^1].Add((X(row.End), Y(row.Scores[label])));
            }

            // A lone point is drawn as a dot (a zero-length line with the path's round caps).
            Polyline(xml, segments.Where(s => s.Count > 0).Select(s => s.Count == 1 ? [s[0], s[0]] : s), Colour(label, i), 1.6, cssClass: $"score {label}", title: label);
        }

        // The lanes: where each modality was not usable, by status.
        string[] lanes = ["audio", "video"];
        for (int l = 0; l < lanes.Length; l++)
        {
            double y = lanesTop + (l * (LaneHeight + LaneGap));
            Text(xml, left - 6, y + LaneHeight - 3, lanes[l], "end", italic: true);
            Rect(xml, left, y, PlotWidth, LaneHeight, "#f4f4f4", stroke: "#d0d0d0");
            foreach (var (from, to, status, colour, lane) in Stretches(rows).Where(s => s.Lane == lanes[l]))
            {
                Rect(xml, X(from), y, X(to) - X(from), LaneHeight, colour, stroke: null, cssClass: $"band {lane} {status}");
            }
        }

        Text(xml, left + (PlotWidth / 2.0), lanesTop + (2 * (LaneHeight + LaneGap)) + FontSize + 4, "time (s); shaded: a modality not usable (lanes: which, and why)", "middle");

        // Legends: the labels' colours, then the statuses'.
        double legendX = left + PlotWidth + 16;
        double legendY = top + 4;
        Text(xml, legendX, legendY + FontSize, "labels", "start", bold: true);
        for (int i = 0; i < labels.Count; i++)
        {
            double y = legendY + ((i + 1) * (FontSize + 6)) + FontSize;
            Line(xml, legendX, y - (FontSize / 3.0), legendX + 22, y - (FontSize / 3.0), Colour(labels[i], i), strokeWidth: 3);
            Text(xml, legendX + 28, y, labels[i], "start");
        }

        legendY += ((labels.Count + 2) * (FontSize + 6)) + 4;
        Text(xml, legendX, legendY, "not usable", "start", bold: true);
        int k = 0;
        foreach (var (lane, statuses) in new[] { ("audio", AudioStatuses), ("video", VideoStatuses) })
        {
            foreach (var (_, colour, text) in statuses)
            {
                double y = legendY + (++k * (FontSize + 6));
                Rect(xml, legendX, y - FontSize + 2, 22, FontSize - 2, colour, stroke: null);
                Text(xml, legendX + 28, y, $"{lane}: {text}", "start");
            }
        }

        EndDocument(xml);
    }

    /// <summary>The stretches where a modality was not usable, consecutive rows with one status merged.</summary>
    private static IEnumerable<(double From, double To, string Status, string Colour, string Lane)> Stretches(IReadOnlyList<TimelineWindowReport> rows)
    {
        foreach (var (lane, statuses, status) in new (string, (string Status, string Colour, string Text)[], Func<TimelineWindowReport, string>)[]
        {
            ("audio", AudioStatuses, r => r.Audio.Status),
            ("video", VideoStatuses, r => r.Video.Status),
        })
        {
            double previousEnd = 0;
            (double From, double To, string Status)? open = null;
            foreach (TimelineWindowReport row in rows)
            {
                string s = status(row);
                double from = previousEnd, to = Math.Max(previousEnd, row.End);
                previousEnd = to;
                if (open is { } o && o.Status == s)
                {
                    open = (o.From, to, s);
                    continue;
                }

                if (open is { } closed && Array.Find(statuses, x => x.Status == closed.Status).Colour is { } colour)
                {
                    yield return (closed.From, closed.To, closed.Status, colour, lane);
                }

                open = (from, to, s);
            }

            if (open is { } last && Array.Find(statuses, x => x.Status == last.Status).Colour is { } lastColour)
            {
                yield return (last.From, last.To, last.Status, lastColour, lane);
            }
        }
    }

    private static string Colour(string label, int index) => LabelColours.TryGetValue(label, out string? colour) ? colour : Palette[index % Palette.Length];

    /// <summary>A round tick step that gives at most about 12 ticks.</summary>
    private static double TimeStep(double duration)
    {
        double[] steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
        return steps.FirstOrDefault(s => duration / s <= 12, 3600 * Math.Ceiling(duration / 3600 / 12));
    }

    private static string FormatTime(double seconds, double step) =>
        step >= 60 && seconds >= 60 ? Invariant($"{(int)(seconds / 60)}:{seconds % 60:00}") : seconds.ToString(step < 1 ? "0.0" : "0", CultureInfo.InvariantCulture);
}
