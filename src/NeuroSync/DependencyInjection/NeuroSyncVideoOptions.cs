using NeuroSync.Vision;

namespace NeuroSync.DependencyInjection;

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
