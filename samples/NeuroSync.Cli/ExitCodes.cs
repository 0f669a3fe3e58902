namespace NeuroSync.Cli;

/// <summary>The process exit codes of the <c>neurosync</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An input file or folder is missing, unreadable or invalid.</summary>
    public const int InputError = 1;

    /// <summary>The command line itself is wrong: unknown command or option, missing argument.</summary>
    public const int UsageError = 2;

    /// <summary>The user pressed Ctrl+C.</summary>
    public const int Cancelled = 130;
}
