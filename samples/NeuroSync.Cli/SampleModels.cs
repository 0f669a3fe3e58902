namespace NeuroSync.Cli;

/// <summary>Finds the model sets the demo runs: <c>models/lite</c> (real pretrained models) and <c>models/tiny</c>
/// (random weights, the original architecture).</summary>
/// <remarks>The folders next to the program and above it, then the working folder and above it, are searched for the
/// repository's copy, so <c>dotnet run --project samples/NeuroSync.Cli -- demo</c> finds them on a fresh clone. Never
/// <c>Assembly.Location</c>.</remarks>
internal static class SampleModels
{
    /// <summary>The lite set's folder, relative to the repository root.</summary>
    public const string LiteFolder = "models/lite";

    /// <summary>The tiny test set's folder, relative to the program's folder or the repository root.</summary>
    public const string TinyFolder = "models/tiny";

    /// <summary>Finds a model set.</summary>
    /// <param name="folder"><see cref="LiteFolder"/> or <see cref="TinyFolder"/>.</param>
    /// <returns>The full path of its folder.</returns>
    /// <exception cref="CliInputException">No such folder with a <c>neurosync.json</c> was found.</exception>
    public static string Find(string folder)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, folder);
                if (File.Exists(Path.Combine(candidate, "neurosync.json")))
                {
                    return candidate;
                }
            }
        }

        throw new CliInputException(
            $"Sample models '{folder}': expected them next to the program ({AppContext.BaseDirectory}), in the working folder or in a folder above either, found none. Run from the repository, or run 'neurosync analyze --models <folder>'.");
    }
}
