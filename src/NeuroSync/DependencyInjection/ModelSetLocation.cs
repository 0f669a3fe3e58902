namespace NeuroSync.DependencyInjection;

/// <summary>Where <c>AddNeuroSync</c> finds its model set: <see cref="NeuroSyncOptions.ModelPath"/>, else the set named by
/// <see cref="NeuroSyncOptions.ModelSet"/> under the application's <c>models</c> folder, else the only set there. A
/// model-set package (<c>NeuroSync.Models.Lite</c>) copies its set to <c>models/&lt;name&gt;</c> in the application's
/// output; the folder is looked up under <see cref="AppContext.BaseDirectory"/>, which is the application's folder in a
/// single-file app too (unlike an assembly's location).</summary>
internal static class ModelSetLocation
{
    /// <summary>The folder under the application's base directory that model-set packages copy their sets to.</summary>
    public const string ModelsFolder = "models";

    private const string Fix = "add a model-set package (dotnet add package NeuroSync.Models.Lite copies the lite set to the application's output as models/lite), or set NeuroSync:ModelPath to a model folder";

    /// <summary>Finds the model folder the options mean.</summary>
    /// <param name="options">The options.</param>
    /// <param name="baseDirectory">The application's folder (<see cref="AppContext.BaseDirectory"/>).</param>
    /// <returns>The model folder, or the manifest file <see cref="NeuroSyncOptions.ModelPath"/> names.</returns>
    /// <exception cref="ModelMismatchException">No set, or several and none named; the message says what to add or set.</exception>
    public static string Resolve(NeuroSyncOptions options, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.ModelPath))
        {
            return options.ModelPath;
        }

        string models = Path.Combine(baseDirectory, ModelsFolder);
        if (!string.IsNullOrWhiteSpace(options.ModelSet))
        {
            string name = options.ModelSet;
            if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            {
                throw new ModelMismatchException($"NeuroSync:ModelSet: expected the name of a model set such as \"lite\" (a folder under {models}), found \"{name}\"; a path goes in NeuroSync:ModelPath.");
            }

            string folder = Path.Combine(models, name);
            return File.Exists(Path.Combine(folder, "neurosync.json"))
                ? folder
                : throw new ModelMismatchException($"NeuroSync:ModelSet \"{name}\": expected a model set at {folder}, found none (sets there: [{string.Join(", ", SetsUnder(models).Select(Path.GetFileName))}]); {Fix}.");
        }

        string[] sets = SetsUnder(models);
        return sets.Length switch
        {
            1 => sets[0],
            0 => throw new ModelMismatchException($"NeuroSync: expected a model set, found none: neither NeuroSync:ModelPath nor NeuroSync:ModelSet is set, and {models} holds no model set; {Fix}."),
            _ => throw new ModelMismatchException($"NeuroSync:ModelSet: expected it to name one of the model sets under {models}, found several and none named: [{string.Join(", ", sets.Select(Path.GetFileName))}]."),
        };
    }

    private static string[] SetsUnder(string models) => Directory.Exists(models)
        ? [.. Directory.GetDirectories(models).Where(d => File.Exists(Path.Combine(d, "neurosync.json"))).Order(StringComparer.Ordinal)]
        : [];
}
