using NeuroSync.Onnx;
using NeuroSync.Vision;

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

    /// <summary>Gets or sets the model folder (holding <c>neurosync.json</c>), or a manifest file in one such as <c>neurosync.int8.json</c>. Required.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets ONNX Runtime session settings (threads, graph optimisation, execution provider).</summary>
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = new();

    /// <summary>Gets or sets overrides of the manifest's audio preprocessing.</summary>
    public NeuroSyncAudioOptions Audio { get; set; } = new();

    /// <summary>Gets or sets overrides of the manifest's video preprocessing.</summary>
    public NeuroSyncVideoOptions Video { get; set; } = new();

    /// <summary>Gets or sets a value indicating whether predictions report modality contributions. Default true.</summary>
    public bool ComputeContributions { get; set; } = true;

    /// <summary>Gets or sets whether the audio and the video paths run one after the other or at the same time. Default
    /// <see cref="NeuroSync.ModalityScheduling.Automatic"/>.</summary>
    public ModalityScheduling ModalityScheduling { get; set; }

    /// <summary>Gets or sets the recognition mode; <see langword="null"/> (the default) keeps the manifest's <c>mode</c>, which is
    /// <see cref="RecognitionMode.Robust"/> unless the manifest says <c>original</c>.</summary>
    public RecognitionMode? Mode { get; set; }
}

/// <summary>Overrides of a model set's audio preprocessing; <see langword="null"/> keeps the manifest's value.</summary>
public sealed class NeuroSyncAudioOptions
{
    /// <summary>Gets or sets the RMS below which audio counts as silent (0 turns the gate off).</summary>
    public float? SilenceRmsThreshold { get; set; }
}

/// <summary>Overrides of a model set's video preprocessing; <see langword="null"/> keeps the manifest's (or the built-in) value.</summary>
public sealed class NeuroSyncVideoOptions
{
    /// <summary>Gets or sets the frame sampling stride (1 uses every frame, e.g. frames already sampled by a browser).</summary>
    public int? FrameStride { get; set; }

    /// <summary>Gets or sets the mean luma (0 to 255) below which a frame is too dark.</summary>
    public float? TooDarkMeanLuma { get; set; }

    /// <summary>Gets or sets the luma standard deviation (0 to 255) below which a frame counts as a covered camera.</summary>
    public float? CoveredLumaStdDev { get; set; }

    /// <summary>Gets or sets the plane order fed to the visual encoder, overriding the manifest.</summary>
    public ChannelOrder? ChannelOrder { get; set; }
}
