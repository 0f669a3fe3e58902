namespace NeuroSync.Cli.Output;

/// <summary>How long one label held in a timeline.</summary>
/// <param name="Windows">The rows with that label.</param>
/// <param name="Seconds">The time those rows hold (each the time since the previous row's end).</param>
internal sealed record TimelineLabelReport(int Windows, double Seconds);
