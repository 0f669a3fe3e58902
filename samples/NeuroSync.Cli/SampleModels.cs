namespace NeuroSync.Cli;

/// <summary>Finds the tiny test model set (<c>models/tiny</c>, random weights) that the demo runs.</summary>
/// <remarks>The build copies it next to the program (see the project file); when the program runs from elsewhere, the
/// folders above the program and the working folder are searched for the repository's copy. Never <c>Assembly.Location</c>.</remarks>
internal static class SampleModels
{
    /// <summary>The model set's folder, relative to the program's folder or the repository root.</summary>
    public const string TinyFolder = "models/tiny";

    /// <summary>Finds the tiny model set.</summary>
    /// <returns>The full path of its folder.</returns>
    /// <exception cref="CliInputException">No folder with a <c>neurosync.json</c> was found.</exception>
    public static string FindTiny()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, TinyFolder);
                if (File.Exists(Path.Combine(candidate, "neurosync.json")))
                {
                    return candidate;
                }
            }
        }

        throw new CliInputException(
            $"Sample models '{TinyFolder}': expected them next to the program ({AppContext.BaseDirectory}) or in a folder above it, found none. Rebuild the sample, or run 'neurosync analyze --models <folder>'.");
    }
}
