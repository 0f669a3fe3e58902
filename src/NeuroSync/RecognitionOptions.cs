namespace NeuroSync;

/// <summary>Settings for one recognition, given to <see cref="IEmotionRecognizer.RecognizeAsync"/>; what is left
/// <see langword="null"/> takes the recognizer's own setting (<see cref="EmotionRecognizerOptions"/>).</summary>
/// <remarks>Read when the call starts; the recognizer keeps no reference to it. Not thread-safe to change while a call
/// that received it is starting; <see cref="Clone"/> gives each caller its own.</remarks>
public sealed class RecognitionOptions
{
    /// <summary>Gets or sets the mode of this recognition: <see cref="RecognitionMode.Original"/> for the original's
    /// numbers, <see cref="RecognitionMode.Robust"/> for real people. <see langword="null"/>: the recognizer's.</summary>
    public RecognitionMode? Mode { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="EmotionPrediction.Contributions"/> is computed (two extra
    /// fusion runs). <see langword="null"/>: the recognizer's.</summary>
    public bool? ComputeContributions { get; set; }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public RecognitionOptions Clone() => (RecognitionOptions)MemberwiseClone();
}
