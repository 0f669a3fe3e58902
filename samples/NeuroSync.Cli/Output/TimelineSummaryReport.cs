namespace NeuroSync.Cli.Output;

/// <summary>The end of <c>analyze --timeline</c>: which label dominates and how long each lasted.</summary>
/// <param name="Type">Always <c>summary</c>.</param>
/// <param name="Input">The recording (the file or folder given).</param>
/// <param name="ModelSet">The model set's name.</param>
/// <param name="Mode">The recognition mode.</param>
/// <param name="Hop">The time between windows, in seconds.</param>
/// <param name="Window">The length of a window, in seconds.</param>
/// <param name="Complete">Whether the whole recording was read (<see langword="false"/> after Ctrl+C).</param>
/// <param name="Windows">The rows written.</param>
/// <param name="Duration">The time the rows cover, in seconds (the last row's end).</param>
/// <param name="Dominant">The label of the most rows, leaving out <c>unknown</c> unless nothing else was reported;
/// a tie goes to the longer time, then to the label set's order. <see langword="null"/> without rows.</param>
/// <param name="Labels">Per reported label, in the label set's order and then in order of appearance: its rows and the time
/// it held, each row holding the time since the previous row's end (so the times add up to <paramref name="Duration"/>).</param>
/// <param name="DroppedFrames">The frames the stream lost in all.</param>
/// <param name="SkippedUpdates">The windows the stream skipped because the command read too slowly (0 unless the machine is overloaded).</param>
internal sealed record TimelineSummaryReport(
    string Type,
    string Input,
    string ModelSet,
    string Mode,
    double Hop,
    double Window,
    bool Complete,
    int Windows,
    double Duration,
    string? Dominant,
    OrderedDictionary<string, TimelineLabelReport> Labels,
    int DroppedFrames,
    int SkippedUpdates);
