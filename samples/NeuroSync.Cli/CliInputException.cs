namespace NeuroSync.Cli;

/// <summary>An input the command cannot use (a missing file, a folder without images), found by the command itself.</summary>
/// <remarks>Reported on one line with exit code <see cref="ExitCodes.InputError"/>, like the library's own <see cref="NeuroSyncException"/>.</remarks>
internal sealed class CliInputException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong, in the form "&lt;input&gt;: expected &lt;X&gt;, found &lt;Y&gt;".</param>
    public CliInputException(string message)
        : base(message)
    {
    }
}
