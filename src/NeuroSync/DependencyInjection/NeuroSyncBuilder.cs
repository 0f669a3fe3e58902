using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.DependencyInjection;

/// <summary>Returned by <c>AddNeuroSync</c> to replace the common parts; registering a part yourself works as well
/// (before <c>AddNeuroSync</c>, or after it: the last registration wins).</summary>
public sealed class NeuroSyncBuilder
{
    internal NeuroSyncBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection NeuroSync was added to.</summary>
    public IServiceCollection Services { get; }

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

    private NeuroSyncBuilder Replace<T>(Func<IServiceProvider, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }
}
