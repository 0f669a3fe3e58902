namespace NeuroSync;

/// <summary>The original system's settings, in one place: the defaults of the options classes and of the manifest fields
/// a model set may leave out both read them from here, so the two cannot disagree.</summary>
internal static class OriginalDefaults
{
    public const int SampleRate = 16_000;
    public const int MaxSamples = 112_000; // 7 s at 16 kHz
    public const double NormalizationEpsilon = 1e-7;
    public const float SilenceRmsThreshold = 0.015f;
    public const float SilenceFloorRms = 1e-4f; // -80 dBFS: robust mode's digital silence
    public const int CropSize = 224;
    public const int FrameStride = 10;
    public const int EmptyVideoFrameCount = 10;
    public const string SilenceOverrideLabel = "neutral (silence)";

    /// <summary>Gets ImageNet's per-plane mean, R, G, B (a new array each time).</summary>
    public static float[] Mean => [0.485f, 0.456f, 0.406f];

    /// <summary>Gets ImageNet's per-plane standard deviation, R, G, B (a new array each time).</summary>
    public static float[] Std => [0.229f, 0.224f, 0.225f];

    /// <summary>Gets the labels that need a voice (a new array each time).</summary>
    public static string[] SilenceOverrideLabels => ["angry", "fear"];
}
