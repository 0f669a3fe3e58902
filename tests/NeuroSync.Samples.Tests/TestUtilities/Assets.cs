namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>The CLI sample's committed assets, copied next to the tests by the project reference.</summary>
internal static class Assets
{
    /// <summary>A 640x480 crop of scikit-image's "astronaut" (NASA, public domain): one smiling face.</summary>
    public static string FacePng => Path.Combine(AppContext.BaseDirectory, "Assets", "astronaut_640x480.png");

    /// <summary>"Hello" spoken by espeak-ng, 22 050 Hz mono.</summary>
    public static string SpeechWav => Path.Combine(AppContext.BaseDirectory, "Assets", "espeak_hello_22050.wav");

    /// <summary>The tiny test model set (random weights).</summary>
    public static string TinyModels => Path.Combine(AppContext.BaseDirectory, "models", "tiny");
}
