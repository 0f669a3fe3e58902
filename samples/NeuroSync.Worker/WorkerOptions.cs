namespace NeuroSync.Worker;

/// <summary>
/// The worker's settings, bound from the <c>"Worker"</c> configuration section (appsettings.json, environment variables
/// <c>Worker__InputFolder</c>, or the command line: <c>--input</c>, <c>--poll</c>, <c>--patterns</c>, <c>--hop</c>,
/// <c>--window</c>, <c>--mode</c>, <c>--fps</c>, or any <c>--Worker:Name=value</c>); validated when the host starts.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Worker";

    /// <summary>The shortest hop and window the stream takes, in seconds.</summary>
    public const double MinSeconds = 0.1;

    /// <summary>The longest hop and window the stream takes, in seconds.</summary>
    public const double MaxSeconds = 60;

    /// <summary>Gets or sets the folder watched for videos (only its top level; <c>failed/</c> beneath it is skipped). Required.</summary>
    public string InputFolder { get; set; } = string.Empty;

    /// <summary>Gets or sets the time between scans of the folder. Default 2 s; 10 ms to 1 hour.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the file patterns to take, separated by <c>;</c> (matched case-insensitively). Default
    /// <c>*.mp4;*.webm;*.mkv</c>.</summary>
    public string Patterns { get; set; } = "*.mp4;*.webm;*.mkv";

    /// <summary>Gets or sets the time between windows, in seconds. Default 1; 0.1 to 60.</summary>
    public double Hop { get; set; } = 1;

    /// <summary>Gets or sets the length of a window, in seconds; <see langword="null"/> (the default) takes the model set's
    /// clip length. At least the hop, at most 60.</summary>
    public double? Window { get; set; }

    /// <summary>Gets or sets the recognition mode, <c>robust</c> or <c>original</c>; <see langword="null"/> keeps the model set's.</summary>
    public string? Mode { get; set; }

    /// <summary>Gets or sets a frame rate to resample each video to first; <see langword="null"/> (the default) takes every frame.</summary>
    public double? Fps { get; set; }

    /// <summary>Gets or sets how long a file must be left unchanged before it is taken, so a file still being copied in is not
    /// read half-written. Default 2 s; 0 to 1 hour.</summary>
    public TimeSpan MinFileAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how often a worker refreshes the claims it holds (their file's last-write time). Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a claim may go without a heartbeat before another worker takes it over (its worker is
    /// taken to have been killed). Default 60 s; more than twice <see cref="HeartbeatInterval"/>.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the patterns, split.</summary>
    /// <returns>The patterns, trimmed, without empty ones.</returns>
    public IReadOnlyList<string> PatternList() => Patterns.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
