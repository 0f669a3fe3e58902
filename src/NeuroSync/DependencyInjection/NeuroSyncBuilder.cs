using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.DependencyInjection;

/// <summary>Returned by <c>AddNeuroSync</c> to wrap the recognizer in decorators (<see cref="Use(Func{IEmotionRecognizer, IServiceProvider, IEmotionRecognizer})"/>,
/// <c>UseLogging</c>, <c>UseOpenTelemetry</c>) and to replace the common parts; registering a part yourself works as well
/// (before <c>AddNeuroSync</c>, or after it: the last registration wins).</summary>
/// <remarks>The first <c>Use</c> is the outermost decorator: <c>UseLogging().UseOpenTelemetry()</c> logs what the traced
/// recognizer does. The <see cref="IEmotionRecognizer"/> registered is the outermost; it is a singleton, as are the
/// decorators in it, and disposing the container disposes each once, outermost first.</remarks>
public sealed class NeuroSyncBuilder
{
    private readonly List<Func<IEmotionRecognizer, IServiceProvider, IEmotionRecognizer>> _decorators = [];

    internal NeuroSyncBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection NeuroSync was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Wraps the recognizer in a decorator, inside those added before.</summary>
    /// <param name="decorator">Makes the decorator from the recognizer it wraps and the container.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder Use(Func<IEmotionRecognizer, IServiceProvider, IEmotionRecognizer> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        _decorators.Add(decorator);
        return this;
    }

    /// <summary>Wraps the recognizer in a decorator, inside those added before.</summary>
    /// <param name="decorator">Makes the decorator from the recognizer it wraps.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder Use(Func<IEmotionRecognizer, IEmotionRecognizer> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        return Use((inner, _) => decorator(inner));
    }

    /// <summary>Uses another face detector (a singleton the container creates and disposes).</summary>
    /// <param name="factory">Creates the detector.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder UseFaceDetector(Func<IServiceProvider, IFaceDetector> factory) => Replace(factory);

    /// <summary>Uses another audio encoder.</summary>
    /// <param name="factory">Creates the encoder.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder UseAudioEncoder(Func<IServiceProvider, IAudioEncoder> factory) => Replace(factory);

    /// <summary>Uses another visual encoder.</summary>
    /// <param name="factory">Creates the encoder.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder UseVisualEncoder(Func<IServiceProvider, IVisualEncoder> factory) => Replace(factory);

    /// <summary>Uses another fusion engine.</summary>
    /// <param name="factory">Creates the engine.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder UseFusionEngine(Func<IServiceProvider, IFusionEngine> factory) => Replace(factory);

    /// <summary>Uses another voice-activity detector (instead of the model set's, or the built-in Silero VAD): in robust mode
    /// it decides whether the audio holds a voice.</summary>
    /// <param name="factory">Creates the detector.</param>
    /// <returns>This builder.</returns>
    public NeuroSyncBuilder UseVoiceActivityDetector(Func<IServiceProvider, IVoiceActivityDetector> factory) => Replace(factory);

    /// <summary>Wraps the core recognizer in the decorators, the last added innermost.</summary>
    /// <exception cref="InvalidOperationException">A decorator returned <see langword="null"/>.</exception>
    internal IEmotionRecognizer Build(IEmotionRecognizer core, IServiceProvider services)
    {
        IEmotionRecognizer recognizer = core;
        for (int i = _decorators.Count - 1; i >= 0; i--)
        {
            recognizer = _decorators[i](recognizer, services)
                ?? throw new InvalidOperationException($"NeuroSyncBuilder: the decorator added by Use call {i + 1} of {_decorators.Count} returned null; expected an IEmotionRecognizer.");
        }

        return recognizer;
    }

    private NeuroSyncBuilder Replace<T>(Func<IServiceProvider, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }
}
