using NeuroSync.Cli.Output;
using NeuroSync.Streaming;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// The rows of a timeline as the stream's updates come in: one per window, and the summary over them (the time each
/// label held, the dominant label). Kept in memory for the plot: a few hundred bytes per window.
/// </summary>
internal sealed class TimelineRows
{
    private readonly EmotionLabelSet _labels;
    private readonly List<TimelineWindowReport> _rows = [];
    private int _dropped;
    private int _skipped;

    /// <summary>Creates an empty timeline.</summary>
    /// <param name="labels">The model set's labels.</param>
    public TimelineRows(EmotionLabelSet labels) => _labels = labels;

    /// <summary>Gets the rows so far.</summary>
    public IReadOnlyList<TimelineWindowReport> Rows => _rows;

    /// <summary>Gets the frames the stream lost so far.</summary>
    public int DroppedFrames => _dropped;

    /// <summary>Gets the updates the stream skipped so far.</summary>
    public int SkippedUpdates => _skipped;

    /// <summary>Takes an update.</summary>
    /// <param name="update">The update.</param>
    /// <param name="inputEnd">For the final update, the end of the recording read: the final window is cut there (the
    /// stream reports it as ending at the next multiple of the hop).</param>
    /// <returns>The new row, or <see langword="null"/> when the update repeats the previous window (the stream's final
    /// word when the input ended exactly on a hop).</returns>
    public TimelineWindowReport? Add(EmotionUpdate update, TimeSpan? inputEnd = null)
    {
        int dropped = update.DroppedFrames;
        _dropped += dropped;
        _skipped += update.SkippedUpdates;
        if (_rows.Count > 0 && update.IsFinal && TimelineWindowReport.Seconds(update.WindowEnd) == _rows[^1].End)
        {
            _rows[^1] = _rows[^1] with { DroppedFrames = _rows[^1].DroppedFrames + dropped };
            return null;
        }

        TimelineWindowReport row = TimelineWindowReport.From(update, dropped);
        if (update.IsFinal && inputEnd is { } end && TimelineWindowReport.Seconds(end) is var seconds && seconds < row.End && seconds > row.Start)
        {
            row = row with { End = seconds };
        }

        _rows.Add(row);
        return row;
    }

    /// <summary>Summarises the rows.</summary>
    /// <param name="input">The recording, as given.</param>
    /// <param name="modelSet">The model set's name.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="window">The window.</param>
    /// <param name="complete">Whether the whole recording was read.</param>
    /// <param name="droppedFrames">The frames the stream lost in all (<see cref="EmotionStreamSession.DroppedFrames"/>), when
    /// known; otherwise the rows' sum.</param>
    /// <returns>The summary.</returns>
    public TimelineSummaryReport Summarise(string input, string modelSet, string mode, TimeSpan hop, TimeSpan window, bool complete, int? droppedFrames = null)
    {
        var windows = new Dictionary<string, int>(StringComparer.Ordinal);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var order = new List<string>(_labels);
        double previous = 0;
        foreach (TimelineWindowReport row in _rows)
        {
            if (!order.Contains(row.Label))
            {
                order.Add(row.Label);
            }

            windows[row.Label] = windows.GetValueOrDefault(row.Label) + 1;
            seconds[row.Label] = seconds.GetValueOrDefault(row.Label) + Math.Max(0, row.End - previous);
            previous = Math.Max(previous, row.End);
        }

        var labels = new OrderedDictionary<string, TimelineLabelReport>(StringComparer.Ordinal);
        foreach (string label in order)
        {
            labels.Add(label, new TimelineLabelReport(windows.GetValueOrDefault(label), Math.Round(seconds.GetValueOrDefault(label), 6)));
        }

        string? dominant = labels
            .Where(l => l.Value.Windows > 0 && l.Key != EmotionPrediction.UnknownLabel)
            .OrderByDescending(l => l.Value.Windows)
            .ThenByDescending(l => l.Value.Seconds)
            .Select(l => l.Key)
            .FirstOrDefault() ?? (_rows.Count > 0 ? EmotionPrediction.UnknownLabel : null);
        return new TimelineSummaryReport(
            "summary",
            input,
            modelSet,
            mode,
            hop.TotalSeconds,
            window.TotalSeconds,
            complete,
            _rows.Count,
            Math.Round(previous, 6),
            dominant,
            labels,
            droppedFrames ?? _dropped,
            _skipped);
    }
}
