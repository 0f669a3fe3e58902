namespace NeuroSync;

/// <summary>How a recognizer decides which modalities it can trust and what it does with the ones it cannot.</summary>
public enum RecognitionMode
{
    /// <summary>What a user should get (the default): audio counts when a voice-activity detector hears speech at any level
    /// (an RMS floor only rules out digital silence), video counts when a well-lit face is found, fusion leaves out what
    /// is unavailable, and a clip with no usable evidence is labelled <see cref="EmotionPrediction.UnknownLabel"/>.</summary>
    Robust,

    /// <summary>The original system bit for bit: the RMS gate decides whether there is a voice, frames without a face are
    /// used whole, and the modality mask is only reported (the fusion head still sees every input).</summary>
    Original,
}
