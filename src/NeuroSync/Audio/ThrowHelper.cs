using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace NeuroSync.Audio;

/// <summary>Cold-path throws for the audio front-end, kept out of the hot methods so that they stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    [StackTraceHidden]
    public static void ThrowInvalidAudio(string message) => throw new InvalidAudioException(message);

    [DoesNotReturn]
    [StackTraceHidden]
    public static T ThrowInvalidAudio<T>(string message) => throw new InvalidAudioException(message);

    [DoesNotReturn]
    [StackTraceHidden]
    public static void ThrowArgument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    [StackTraceHidden]
    public static void ThrowDestinationLength(string paramName, int expected, int found) =>
        throw new ArgumentException($"Destination length: expected {expected} samples (AudioPreprocessingOptions.MaxSamples), found {found}.", paramName);

    [DoesNotReturn]
    [StackTraceHidden]
    public static void ThrowDestinationTooShort(string paramName, int expected, int found) =>
        throw new ArgumentException($"Destination length: expected at least {expected} samples, found {found}.", paramName);

    [DoesNotReturn]
    [StackTraceHidden]
    public static void ThrowNonFinite(string input, float value, long index, int channels)
    {
        string what = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
        throw new InvalidAudioException(
            $"{input}: expected finite values, found {what} at sample index {index} (frame {index / channels}, channel {index % channels}).");
    }
}
