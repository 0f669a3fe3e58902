using System.Globalization;
using Microsoft.Extensions.Options;

namespace NeuroSync.Worker;

/// <summary>Checks <see cref="WorkerOptions"/> when the host starts; each failure names the setting, the range and the value.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.InputFolder))
        {
            failures.Add("Worker:InputFolder: expected the folder to watch (--input <folder>), found none.");
        }
        else if (!Directory.Exists(options.InputFolder))
        {
            failures.Add($"Worker:InputFolder '{options.InputFolder}': expected an existing folder, found none.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromHours(1))
        {
            failures.Add(string.Create(Inv, $"Worker:PollInterval: expected 10 ms to 1 hour, found {options.PollInterval}."));
        }

        IReadOnlyList<string> patterns = options.PatternList();
        if (patterns.Count == 0 || patterns.Any(p => p.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || p.Contains('/', StringComparison.Ordinal)))
        {
            failures.Add($"Worker:Patterns: expected file patterns separated by ';' (such as *.mp4;*.mkv), found '{options.Patterns}'.");
        }

        if (!double.IsFinite(options.Hop) || options.Hop is < WorkerOptions.MinSeconds or > WorkerOptions.MaxSeconds)
        {
            failures.Add(string.Create(Inv, $"Worker:Hop: expected {WorkerOptions.MinSeconds} to {WorkerOptions.MaxSeconds} seconds, found {options.Hop}."));
        }

        if (options.Window is { } window && (!double.IsFinite(window) || window < options.Hop || window > WorkerOptions.MaxSeconds))
        {
            failures.Add(string.Create(Inv, $"Worker:Window: expected the hop ({options.Hop} s) to {WorkerOptions.MaxSeconds} seconds, found {window}."));
        }

        if (options.Mode is { } mode && !string.Equals(mode, "robust", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "original", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Worker:Mode: expected robust or original, found '{mode}'.");
        }

        if (options.Fps is { } fps && (!double.IsFinite(fps) || fps <= 0 || fps > 1000))
        {
            failures.Add(string.Create(Inv, $"Worker:Fps: expected more than 0 and at most 1000 frames per second, found {fps}."));
        }

        if (options.MinFileAge < TimeSpan.Zero || options.MinFileAge > TimeSpan.FromHours(1))
        {
            failures.Add(string.Create(Inv, $"Worker:MinFileAge: expected 0 to 1 hour, found {options.MinFileAge}."));
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(10) || options.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            failures.Add(string.Create(Inv, $"Worker:HeartbeatInterval: expected 10 ms to 1 hour, found {options.HeartbeatInterval}."));
        }

        if (options.ClaimTimeout <= 2 * options.HeartbeatInterval)
        {
            failures.Add(string.Create(Inv, $"Worker:ClaimTimeout: expected more than twice the heartbeat interval ({options.HeartbeatInterval}), found {options.ClaimTimeout}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
