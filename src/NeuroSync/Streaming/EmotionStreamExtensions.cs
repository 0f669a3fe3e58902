namespace NeuroSync.Streaming;

/// <summary>Opens a stream from any recognizer that wraps an <see cref="EmotionRecognizer"/> (such as the decorated one
/// <c>AddNeuroSync</c> registers).</summary>
public static class EmotionStreamExtensions
{
    /// <summary>Opens a stream on the <see cref="EmotionRecognizer"/> behind <paramref name="recognizer"/>.</summary>
    /// <param name="recognizer">The recognizer, or a decorator of one.</param>
    /// <param name="options">The hop, window, mode and backlog; the defaults when <see langword="null"/>.</param>
    /// <returns>A stream to dispose when done. It runs on the inner recognizer: decorators (logging, telemetry) do not see
    /// its windows.</returns>
    /// <exception cref="NotSupportedException">No <see cref="EmotionRecognizer"/> is behind <paramref name="recognizer"/>.</exception>
    public static EmotionStreamSession OpenStream(this IEmotionRecognizer recognizer, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        return recognizer.GetService(typeof(EmotionRecognizer)) is EmotionRecognizer inner
            ? inner.OpenStream(options)
            : throw new NotSupportedException($"{recognizer.GetType().Name}: streaming needs an EmotionRecognizer behind the recognizer (GetService(typeof(EmotionRecognizer)) found none).");
    }
}
