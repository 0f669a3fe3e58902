namespace NeuroSync.Audio;

/// <summary>What an <see cref="IVoiceActivityDetector"/> found in a signal.</summary>
/// <param name="HasSpeech">Whether the signal contains at least the detector's minimum amount of speech.</param>
/// <param name="SpeechDuration">The total duration of the analysis windows judged to be speech.</param>
/// <param name="MaxSpeechProbability">The highest per-window speech probability, 0 to 1.</param>
public readonly record struct VoiceActivity(bool HasSpeech, TimeSpan SpeechDuration, float MaxSpeechProbability);
