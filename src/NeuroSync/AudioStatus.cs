namespace NeuroSync;

/// <summary>Whether the audio of a clip could be used, and if not, why.</summary>
public enum AudioStatus
{
    /// <summary>Audio is present and loud enough to carry a voice.</summary>
    Available,

    /// <summary>Audio is present but below the silence gate; the encoder hears zeros, as in the original system.</summary>
    Silent,

    /// <summary>The input had no audio at all.</summary>
    Missing,

    /// <summary>Audio is loud enough to pass the silence gate but the voice-activity detector found no speech in it
    /// (steady noise, hum, music); the encoder hears zeros, as for silence. Only model sets with a detector report it.</summary>
    NoSpeech,
}
