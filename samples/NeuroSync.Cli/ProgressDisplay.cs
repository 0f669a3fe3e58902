using System.Diagnostics;
using System.Globalization;

namespace NeuroSync.Cli;

/// <summary>
/// Shows how far a run has got on stderr: a bar redrawn in place on a terminal, otherwise a plain line at each tenth of
/// the steps (a log file or a test then gets ten lines, not one per step or a screenful of carriage returns). Used by
/// <c>evaluate</c> (one step per item) and <c>analyze --timeline</c> (one step per window).
/// </summary>
/// <remarks>Thread-safe: steps finish on any thread. Messages go through <see cref="WriteLine(string)"/> (or
/// <see cref="WriteLine(TextWriter, string)"/> for another writer on the same terminal) so they never land in the middle
/// of the bar. More steps than <c>total</c> (an estimate that fell short) count as they come: the total grows with them.</remarks>
internal sealed class ProgressDisplay
{
    private const int BarWidth = 30;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _error;
    private readonly string _task;
    private readonly string _unit;
    private readonly bool _countsFailures;
    private readonly bool _interactive;
    private readonly Lock _lock = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _total;
    private int _done;
    private int _failed;
    private int _lastTenth;
    private long _lastDraw;
    private int _barLength;

    /// <summary>Creates a progress display.</summary>
    /// <param name="error">Where it goes (stderr).</param>
    /// <param name="total">How many steps the run has (at least 1 is assumed).</param>
    /// <param name="interactive">Whether <paramref name="error"/> is a terminal, so the bar can be redrawn in place.</param>
    /// <param name="task">What runs, after the command's name in the plain lines ("evaluate", "analyze").</param>
    /// <param name="unit">What a step is, in the plural ("items", "windows").</param>
    /// <param name="countsFailures">Whether steps can fail, so the display counts failures.</param>
    public ProgressDisplay(TextWriter error, int total, bool interactive, string task = "evaluate", string unit = "items", bool countsFailures = true)
    {
        _error = error;
        _total = Math.Max(total, 1);
        _interactive = interactive;
        _task = task;
        _unit = unit;
        _countsFailures = countsFailures;
    }

    /// <summary>Tells whether a writer is this process's stderr on a terminal.</summary>
    /// <param name="error">The writer the command was given for errors.</param>
    /// <returns><see langword="true"/> when a bar can be drawn.</returns>
    public static bool IsTerminal(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Counts one finished step and updates the display.</summary>
    /// <param name="failed">Whether the step failed (an item's input could not be read).</param>
    public void Advance(bool failed = false)
    {
        lock (_lock)
        {
            _done++;
            _total = Math.Max(_total, _done);
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
                string failures = _countsFailures ? $", {_failed} failed" : string.Empty;
                _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CliApplication.Name} {_task}: {_done}/{_total} {_unit} ({100L * _done / _total} %){failures}, {Elapsed():0.0} s"));
            }
        }
    }

    /// <summary>Writes a line about one item (a failure), keeping the bar below it.</summary>
    /// <param name="line">The line.</param>
    public void WriteLine(string line) => WriteLine(_error, line);

    /// <summary>Writes a line to another writer that may share the terminal (stdout), keeping the bar below it.</summary>
    /// <param name="writer">Where the line goes.</param>
    /// <param name="line">The line.</param>
    public void WriteLine(TextWriter writer, string line)
    {
        lock (_lock)
        {
            ClearBar();
            writer.WriteLine(line);
            if (_interactive && !ReferenceEquals(writer, _error))
            {
                writer.Flush();
            }

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
            $"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done}/{_total} {_unit} ({100L * _done / Math.Max(_total, 1)} %){failed}, {elapsed:0} s, about {left} left ");
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
