namespace NeuroSync.Cli.Timeline;

/// <summary>The command line of <c>analyze --timeline</c>.</summary>
/// <param name="Models">The model folder or manifest.</param>
/// <param name="Mode"><c>robust</c> or <c>original</c>.</param>
/// <param name="Video">The video file (<c>--video</c>), or <see langword="null"/>.</param>
/// <param name="Audio">The WAV file (<c>--audio</c>), or <see langword="null"/>.</param>
/// <param name="Frames">The folder of frames (<c>--frames</c>), or <see langword="null"/>.</param>
/// <param name="Fps">The frames' rate (<c>--fps</c>): required with <c>--frames</c>; with <c>--video</c>, a rate to resample to.</param>
/// <param name="Hop">The time between windows, in seconds (<c>--hop</c>).</param>
/// <param name="Window">The length of a window, in seconds (<c>--window</c>), or <see langword="null"/> for the model set's clip length.</param>
/// <param name="Json">Where the JSON lines go: <see langword="null"/> for nowhere, <see cref="Stdout"/> for standard output, or a file.</param>
/// <param name="Csv">Where the CSV goes, likewise.</param>
/// <param name="Plot">The SVG file to draw, or <see langword="null"/>.</param>
internal sealed record TimelineSettings(
    string Models,
    string Mode,
    string? Video,
    string? Audio,
    string? Frames,
    double? Fps,
    double Hop,
    double? Window,
    string? Json,
    string? Csv,
    string? Plot)
{
    /// <summary>The value of <c>--json</c> or <c>--csv</c> given without a file (or as <c>-</c>): standard output.</summary>
    public const string Stdout = "-";

    /// <summary>The shortest hop and window the stream takes, in seconds.</summary>
    public const double MinSeconds = 0.1;

    /// <summary>The longest hop and window the stream takes, in seconds.</summary>
    public const double MaxSeconds = 60;

    /// <summary>The highest <c>--fps</c>.</summary>
    public const double MaxFps = 1000;
}
