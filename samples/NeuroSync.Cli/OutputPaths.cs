namespace NeuroSync.Cli;

/// <summary>Writes the command's output files, turning file-system failures into one clear input error naming the option.</summary>
internal static class OutputPaths
{
    /// <summary>Checks that a path can name an output file (it is not empty and not a folder).</summary>
    /// <param name="option">The option that gave the path, for the message.</param>
    /// <param name="path">The path.</param>
    /// <exception cref="CliUsageException">The path is empty.</exception>
    /// <exception cref="CliInputException">The path names a folder.</exception>
    public static void RequireFilePath(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new CliUsageException($"{option}: expected a file path, found an empty string.");
        }

        if (Directory.Exists(path))
        {
            throw new CliInputException($"{option} '{path}': expected a file path, found a folder.");
        }
    }

    /// <summary>Creates a folder for output files (and its parents) unless it exists.</summary>
    /// <param name="option">The option that gave the path, for the message.</param>
    /// <param name="path">The folder.</param>
    /// <exception cref="CliUsageException">The path is empty.</exception>
    /// <exception cref="CliInputException">The path names a file or cannot be created.</exception>
    public static void CreateFolder(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new CliUsageException($"{option}: expected a folder path, found an empty string.");
        }

        if (File.Exists(path))
        {
            throw new CliInputException($"{option} '{path}': expected a folder, found a file.");
        }

        Write(option, path, () => Directory.CreateDirectory(path));
    }

    /// <summary>Runs an action that writes to <paramref name="path"/>, reporting a failure as an input error.</summary>
    /// <param name="option">The option that gave the path, for the message.</param>
    /// <param name="path">The path written.</param>
    /// <param name="write">The write.</param>
    /// <exception cref="CliInputException">The write failed for a file-system reason.</exception>
    public static void Write(string option, string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option} '{path}': expected a writable location, found an error: {ex.Message.TrimEnd('.')}.");
        }
    }
}
