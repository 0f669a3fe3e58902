using System.Diagnostics;
using System.Globalization;

namespace NeuroSync.Cli.Scoring;

/// <summary>
/// Shows how far a run has got on stderr: a bar redrawn in place on a terminal, otherwise a plain line at each tenth of
/// the items (a log file or a test then gets ten lines, not one per item or a screenful of carriage returns).
/// </summary>
/// <remarks>Thread-safe: rows finish on any thread. Messages about single rows go through <see cref="WriteLine"/> so they
/// never land in the middle of the bar.</remarks>
internal sealed class EvaluationProgress
{
    private const int BarWidth = 30;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _error;
    private readonly int _total;
    private readonly bool _interactive;
    private readonly Lock _lock = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _done;
    private int _failed;
    private int _lastTenth;
    private long _lastDraw;
    private int _barLength;

    /// <summary>Creates a progress display.</summary>
    /// <param name="error">Where it goes (stderr).</param>
    /// <param name="total">How many items the run has.</param>
    /// <param name="interactive">Whether <paramref name="error"/> is a terminal, so the bar can be redrawn in place.</param>
    public EvaluationProgress(TextWriter error, int total, bool interactive)
    {
        _error = error;
        _total = total;
        _interactive = interactive;
    }

    /// <summary>Tells whether a writer is this process's stderr on a terminal.</summary>
    /// <param name="error">The writer the command was given for errors.</param>
    /// <returns><see langword="true"/> when a bar can be drawn.</returns>
    public static bool IsTerminal(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Counts one finished item and updates the display.</summary>
    /// <param name="failed">Whether the item's input could not be read.</param>
    public void ItemDone(bool failed)
    {
        lock (_lock)
        {
            _done++;
            _failed += failed ? 1 : 0;
            if (_interactive)
            {
                long now = Stopwatch.GetTimestamp();
                if (_done == _total || Stopwatch.GetElapsedTime(_lastDraw, now) >= RedrawInterval)
                {
                    _lastDraw = now;
                    DrawBar();
                }

                return;
            }

            int tenth = (int)(10L * _done / Math.Max(_total, 1));
            if (tenth > _lastTenth)
            {
                _lastTenth = tenth;
                _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CliApplication.Name} evaluate: {_done}/{_total} items ({100L * _done / _total} %), {_failed} failed, {Elapsed():0.0} s"));
            }
        }
    }

    /// <summary>Writes a line about one item (a failure), keeping the bar below it.</summary>
    /// <param name="line">The line.</param>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            ClearBar();
            _error.WriteLine(line);
            if (_interactive && _done > 0)
            {
                DrawBar();
            }
        }
    }

    /// <summary>Removes the bar, so what follows starts on a clean line.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            ClearBar();
        }
    }

    private double Elapsed() => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    private void DrawBar()
    {
        int filled = (int)((long)BarWidth * _done / Math.Max(_total, 1));
        double elapsed = Elapsed();
        string left = _done == 0 ? "?" : string.Create(CultureInfo.InvariantCulture, $"{elapsed / _done * (_total - _done):0} s");
        string failed = _failed == 0 ? string.Empty : $", {_failed} failed";
        string bar = string.Create(
            CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done}/{_total} ({100L * _done / Math.Max(_total, 1)} %){failed}, {elapsed:0} s, about {left} left ");
        _error.Write(bar.PadRight(_barLength + 1));
        _barLength = bar.Length;
        _error.Flush();
    }

    private void ClearBar()
    {
        if (_interactive && _barLength > 0)
        {
            _error.Write('\r' + new string(' ', _barLength) + '\r');
            _barLength = 0;
        }
    }
}
