namespace NeuroSync;

/// <summary>
/// A recognizer that passes every call to an inner one: the base of decorators such as
/// <see cref="LoggingEmotionRecognizer"/> and <see cref="OpenTelemetryEmotionRecognizer"/>. Override what you change.
/// </summary>
/// <remarks>Owns the inner recognizer: disposing this disposes it. Thread-safe when the inner recognizer is and the
/// overrides are.</remarks>
public abstract class DelegatingEmotionRecognizer : IEmotionRecognizer
{
    /// <summary>Wraps a recognizer.</summary>
    /// <param name="innerRecognizer">The recognizer calls go to; disposed with this one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRecognizer"/> is <see langword="null"/>.</exception>
    protected DelegatingEmotionRecognizer(IEmotionRecognizer innerRecognizer)
    {
        ArgumentNullException.ThrowIfNull(innerRecognizer);
        InnerRecognizer = innerRecognizer;
    }

    /// <summary>Gets the recognizer calls go to.</summary>
    protected IEmotionRecognizer InnerRecognizer { get; }

    /// <inheritdoc/>
    public virtual Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerRecognizer.RecognizeAsync(input, options, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>This object when it is of <paramref name="serviceType"/> and no key is given; otherwise the inner recognizer's answer.</remarks>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerRecognizer.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner recognizer.</summary>
    /// <param name="disposing"><see langword="true"/> from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerRecognizer.Dispose();
        }
    }
}
