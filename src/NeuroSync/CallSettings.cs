namespace NeuroSync;

/// <summary>The settings of one call: the per-call <see cref="RecognitionOptions"/> over the recognizer's.</summary>
/// <param name="Mode">The recognition mode.</param>
/// <param name="ComputeContributions">Whether the prediction reports modality contributions.</param>
internal readonly record struct CallSettings(RecognitionMode Mode, bool ComputeContributions)
{
    /// <summary>Resolves the per-call options against the recognizer's.</summary>
    /// <param name="options">The call's options, or <see langword="null"/>.</param>
    /// <param name="defaults">The recognizer's options.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RecognitionOptions.Mode"/> is not a defined mode.</exception>
    public static CallSettings Resolve(RecognitionOptions? options, EmotionRecognizerOptions defaults)
    {
        var call = new CallSettings(options?.Mode ?? defaults.Mode, options?.ComputeContributions ?? defaults.ComputeContributions);
        if (!Enum.IsDefined(call.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(options), call.Mode, "RecognitionOptions.Mode: expected Robust or Original.");
        }

        return call;
    }
}
