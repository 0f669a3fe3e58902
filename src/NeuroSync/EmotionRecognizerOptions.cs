namespace NeuroSync;

/// <summary>Post-processing settings of <see cref="EmotionRecognizer"/>; the defaults reproduce the original system.</summary>
public sealed class EmotionRecognizerOptions
{
    /// <summary>Gets or sets the labels that need a voice: when the audio is silent (or has no speech) and one of them wins,
    /// the reported label becomes <see cref="SilenceOverrideLabel"/> (scores are unchanged). In
    /// <see cref="RecognitionMode.Original"/> a clip without audio counts as silent too, as the original fed it zeros. Default
    /// <c>angry</c>, <c>fear</c>.</summary>
    public IReadOnlyList<string> SilenceOverrideLabels { get; set; } = OriginalDefaults.SilenceOverrideLabels;

    /// <summary>Gets or sets the label reported by the silence override. Default <c>neutral (silence)</c>.</summary>
    public string SilenceOverrideLabel { get; set; } = OriginalDefaults.SilenceOverrideLabel;

    /// <summary>Gets or sets a value indicating whether each prediction reports <see cref="EmotionPrediction.Contributions"/>
    /// (two extra runs of the fusion head, which is small). Default true.</summary>
    public bool ComputeContributions { get; set; } = true;

    /// <summary>Gets or sets the model set's name, reported in logs and as the <c>neurosync.model_set</c> telemetry tag.
    /// <see cref="EmotionRecognizer.Create"/>
    /// and <c>AddNeuroSync</c> set it from the manifest. Default <c>custom</c>.</summary>
    public string ModelSetName { get; set; } = "custom";

    /// <summary>Gets or sets whether the audio and the video paths run one after the other or at the same time.
    /// Default <see cref="ModalityScheduling.Automatic"/>: at the same time only when an encoder runs on a GPU
    /// (docs/performance.md has the measurements).</summary>
    public ModalityScheduling ModalityScheduling { get; set; }

    /// <summary>Gets or sets how availability is decided and whether fusion obeys it. Default
    /// <see cref="RecognitionMode.Robust"/>; <see cref="RecognitionMode.Original"/> reproduces the original system.</summary>
    public RecognitionMode Mode { get; set; }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public EmotionRecognizerOptions Clone() => new()
    {
        SilenceOverrideLabels = [.. SilenceOverrideLabels],
        SilenceOverrideLabel = SilenceOverrideLabel,
        ComputeContributions = ComputeContributions,
        ModelSetName = ModelSetName,
        ModalityScheduling = ModalityScheduling,
        Mode = Mode,
    };
}
