namespace NeuroSync.Benchmarks;

/// <summary>Finds committed inputs by their path relative to the repository root.</summary>
/// <remarks>BenchmarkDotNet runs each benchmark from a generated folder under the build output, so the root is found by
/// walking up from the program's folder (then from the working folder) to the one holding <c>NeuroSync.sln</c>.</remarks>
public static class RepositoryFiles
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>Returns the full path of a committed file.</summary>
    /// <param name="relativePath">The path from the repository root, with forward slashes.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    public static string Path(string relativePath)
    {
        string path = System.IO.Path.Combine(RootFolder.Value, relativePath);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Benchmark input '{relativePath}': expected it under {RootFolder.Value}, found nothing.", path);
    }

    /// <summary>Gets the repository root (the folder holding <c>NeuroSync.sln</c>).</summary>
    public static string Root => RootFolder.Value;

    private static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "NeuroSync.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("Repository root: expected a folder holding NeuroSync.sln above the benchmark program, found none.");
    }
}
