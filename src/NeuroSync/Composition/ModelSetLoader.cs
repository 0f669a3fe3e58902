using NeuroSync.Models;

namespace NeuroSync.Composition;

/// <summary>Loads a model set for the recognizer: <see cref="ModelSet.Load(string)"/> checks the manifest and its files,
/// then each part's settings are built from it and checked, so a bad value fails at load naming the field.</summary>
internal static class ModelSetLoader
{
    /// <summary>Loads and checks a model folder (or a manifest file in one).</summary>
    /// <param name="directory">The folder or manifest.</param>
    /// <returns>The model set.</returns>
    /// <exception cref="ModelMismatchException">The folder, the manifest, a file or a setting is not usable.</exception>
    public static ModelSet Load(string directory)
    {
        ModelSet set = ModelSet.Load(directory);
        try
        {
            set.CreateAudioPreprocessingOptions().Validate();
            set.CreateVideoPreprocessingOptions().Validate();
            if (set.FaceDetectorPath is null)
            {
                set.CreateHaarDetectorOptions().Validate();
            }
            else
            {
                set.CreateBlazeFaceDetectorOptions().Validate();
            }

            set.CreateVoiceActivityOptions().Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ModelMismatchException($"Manifest '{set.ManifestPath}': {ex.Message}", ex);
        }

        return set;
    }
}
