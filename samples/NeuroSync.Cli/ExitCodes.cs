namespace NeuroSync.Cli;

/// <summary>The process exit codes of the <c>neurosync</c> command (documented in the sample's README).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command line itself is wrong: unknown command or option, missing or conflicting arguments.</summary>
    public const int UsageError = 1;

    /// <summary>An input file or folder is missing, unreadable or invalid (a corrupt WAV, a non-image, a video ffmpeg cannot read).</summary>
    public const int InputError = 2;

    /// <summary>The model set cannot be loaded or run: missing or mismatched files, an invalid manifest, an inference failure.</summary>
    public const int ModelError = 3;

    /// <summary>The user pressed Ctrl+C.</summary>
    public const int Cancelled = 130;
}
