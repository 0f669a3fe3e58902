namespace NeuroSync.Cli;

/// <summary>Checks input paths up front so that a typo gives a clear message rather than a framework exception.</summary>
internal static class InputPaths
{
    /// <summary>The image file extensions the frame commands pick up from a folder (lower case, with the dot).</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tga"];

    /// <summary>Returns the full path of an existing file.</summary>
    /// <param name="path">The path given on the command line.</param>
    /// <param name="kind">What the file should be, for the message ("Image", "Audio").</param>
    /// <returns>The full path.</returns>
    /// <exception cref="CliInputException">The path does not name an existing file.</exception>
    public static string RequireFile(string path, string kind)
    {
        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        string found = Directory.Exists(path) ? "a folder" : "nothing at that path";
        throw new CliInputException($"{kind} '{path}': expected an existing file, found {found}.");
    }

    /// <summary>Lists the images of a single file or of a folder (not recursive), sorted by file name.</summary>
    /// <param name="path">An image file or a folder of images.</param>
    /// <returns>The full paths, at least one.</returns>
    /// <exception cref="CliInputException">The path does not exist, or the folder holds no image file.</exception>
    public static IReadOnlyList<string> ImageFiles(string path)
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }

        if (!Directory.Exists(path))
        {
            throw new CliInputException($"Images '{path}': expected an image file or a folder of images, found nothing at that path.");
        }

        IReadOnlyList<string> files = ImagesIn(path);
        if (files.Count == 0)
        {
            throw new CliInputException(
                $"Images '{path}': expected at least one {string.Join('/', ImageExtensions.Select(e => e.TrimStart('.')))} file, found none in that folder.");
        }

        return files;
    }

    /// <summary>Lists the images of a folder (not recursive), sorted by file name; none when it holds no image file.</summary>
    /// <param name="folder">An existing folder.</param>
    /// <returns>The full paths.</returns>
    public static IReadOnlyList<string> ImagesIn(string folder) => Directory.EnumerateFiles(folder)
        .Where(IsImage)
        .Select(Path.GetFullPath)
        .OrderBy(Path.GetFileName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Tells whether a path has one of the <see cref="ImageExtensions"/>.</summary>
    /// <param name="path">A file path.</param>
    /// <returns><see langword="true"/> for an image file name.</returns>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
