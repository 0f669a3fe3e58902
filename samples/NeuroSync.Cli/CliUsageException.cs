namespace NeuroSync.Cli;

/// <summary>A command line that parses but makes no sense (an empty path), found by the command itself.</summary>
/// <remarks>Reported on one line with exit code <see cref="ExitCodes.UsageError"/>, like System.CommandLine's own parse errors.</remarks>
internal sealed class CliUsageException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong, in the form "&lt;option&gt;: expected &lt;X&gt;, found &lt;Y&gt;".</param>
    public CliUsageException(string message)
        : base(message)
    {
    }
}
