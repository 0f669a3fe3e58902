namespace NeuroSync.DependencyInjection;

/// <summary>Overrides of a model set's audio preprocessing; <see langword="null"/> keeps the manifest's value.</summary>
public sealed class NeuroSyncAudioOptions
{
    /// <summary>Gets or sets the RMS below which audio counts as silent (0 turns the gate off).</summary>
    public float? SilenceRmsThreshold { get; set; }
}
