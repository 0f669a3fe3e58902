using NeuroSync.Onnx;

namespace NeuroSync.DependencyInjection;

/// <summary>
/// Settings for <c>services.AddNeuroSync(...)</c>: where the model set is, how ONNX Runtime runs it, and optional
/// overrides of the preprocessing its manifest declares. Bound from the <c>"NeuroSync"</c> configuration section or set in code;
/// validated when the host starts.
/// </summary>
public sealed class NeuroSyncOptions
{
    /// <summary>The configuration section <c>AddNeuroSync(IConfiguration)</c> reads when given a whole configuration.</summary>
    public const string SectionName = "NeuroSync";

    /// <summary>Gets or sets the model folder (holding <c>neurosync.json</c>), or a manifest file in one such as
    /// <c>neurosync.int8.json</c>. When neither it nor <see cref="ModelSet"/> is set, the only model set under the
    /// application's <c>models</c> folder is used (where a model-set package such as <c>NeuroSync.Models.Lite</c> puts it).</summary>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the name of a model set under the application's <c>models</c> folder, such as <c>lite</c>
    /// (copied there by the <c>NeuroSync.Models.Lite</c> package); for when several are there. Ignored when
    /// <see cref="ModelPath"/> is set.</summary>
    public string? ModelSet { get; set; }

    /// <summary>Gets or sets ONNX Runtime session settings (threads, graph optimisation, execution provider).</summary>
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = new();

    /// <summary>Gets or sets overrides of the manifest's audio preprocessing.</summary>
    public NeuroSyncAudioOptions Audio { get; set; } = new();

    /// <summary>Gets or sets overrides of the manifest's video preprocessing.</summary>
    public NeuroSyncVideoOptions Video { get; set; } = new();

    /// <summary>Gets or sets whether predictions report modality contributions; <see langword="null"/> (the default) keeps
    /// <see cref="EmotionRecognizerOptions.ComputeContributions"/>'s default.</summary>
    public bool? ComputeContributions { get; set; }

    /// <summary>Gets or sets whether the audio and the video paths run one after the other or at the same time;
    /// <see langword="null"/> (the default) keeps <see cref="EmotionRecognizerOptions.ModalityScheduling"/>'s default.</summary>
    public ModalityScheduling? ModalityScheduling { get; set; }

    /// <summary>Gets or sets the recognition mode; <see langword="null"/> (the default) keeps the manifest's <c>mode</c>, which is
    /// <see cref="RecognitionMode.Robust"/> unless the manifest says <c>original</c>.</summary>
    public RecognitionMode? Mode { get; set; }
}
