using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NeuroSync;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.DependencyInjection;
using NeuroSync.Models;
using NeuroSync.Vision;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers NeuroSync in a service collection.</summary>
public static class NeuroSyncServiceCollectionExtensions
{
    /// <summary>Adds NeuroSync with the model set a model-set package put in the application's output (for example
    /// <c>NeuroSync.Models.Lite</c>, found as <c>models/lite</c> under <see cref="AppContext.BaseDirectory"/>) and the default
    /// options.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to replace parts.</returns>
    /// <remarks>With no model-set package, the host fails at start with a message naming the package to add.</remarks>
    public static NeuroSyncBuilder AddNeuroSync(this IServiceCollection services) => services.AddNeuroSync(static _ => { });

    /// <summary>Adds NeuroSync, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options: <see cref="NeuroSyncOptions.ModelPath"/>, or <see cref="NeuroSyncOptions.ModelSet"/>,
    /// or neither for the only model set a model-set package put in the application's output.</param>
    /// <returns>A builder to replace parts.</returns>
    /// <remarks>
    /// Registers singletons with TryAdd semantics, so a part registered earlier is kept: <see cref="IEmotionRecognizer"/>,
    /// <see cref="IAudioEncoder"/>, <see cref="IVisualEncoder"/>, <see cref="IFusionEngine"/>, <see cref="IFaceDetector"/>,
    /// <see cref="AudioPreprocessor"/>, <see cref="VideoPreprocessor"/> and <see cref="ModelSet"/>. The container creates each
    /// once and disposes them with itself. Options are validated when the host starts. Called again, it adds that call's
    /// configuration to the first's and returns the same builder.
    /// </remarks>
    public static NeuroSyncBuilder AddNeuroSync(this IServiceCollection services, Action<NeuroSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NeuroSyncOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>Adds NeuroSync, configured from a configuration section such as <c>configuration.GetSection("NeuroSync")</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>ModelPath</c>, <c>OnnxRuntime</c>, <c>Audio</c> and <c>Video</c>.</param>
    /// <returns>A builder to replace parts.</returns>
    public static NeuroSyncBuilder AddNeuroSync(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NeuroSyncOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static NeuroSyncBuilder AddCore(IServiceCollection services)
    {
        // A second call adds its configuration to the first's and returns the first's builder: the recognizer is
        // registered once, so decorators added through a second builder would otherwise be dropped without a word.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(BuilderMarker))?.ImplementationInstance is BuilderMarker existing)
        {
            return existing.Builder;
        }

        services.AddOptions<NeuroSyncOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NeuroSyncOptions>, NeuroSyncOptionsValidator>());

        services.TryAddSingleton(sp => ModelSetLoader.Load(ModelSetLocation.Resolve(Options(sp), AppContext.BaseDirectory)));
        services.TryAddSingleton(sp => ModelSetParts.AudioEncoder(sp.GetRequiredService<ModelSet>(), Options(sp).OnnxRuntime));
        services.TryAddSingleton(sp => ModelSetParts.VisualEncoder(sp.GetRequiredService<ModelSet>(), Options(sp).OnnxRuntime));
        services.TryAddSingleton(sp => ModelSetParts.Fusion(sp.GetRequiredService<ModelSet>(), Options(sp).OnnxRuntime));
        services.TryAddSingleton(sp => ModelSetParts.FaceDetector(sp.GetRequiredService<ModelSet>(), Options(sp).OnnxRuntime));
        services.TryAddSingleton<IVoiceActivityDetector>(sp => ModelSetParts.VoiceActivity(sp.GetRequiredService<ModelSet>(), Options(sp).OnnxRuntime));
        services.TryAddSingleton(sp => RecognizerFactory.AudioPreprocessor(
            sp.GetRequiredService<ModelSet>(),
            sp.GetRequiredService<IVoiceActivityDetector>(),
            audio => audio.SilenceRmsThreshold = Options(sp).Audio.SilenceRmsThreshold ?? audio.SilenceRmsThreshold));
        services.TryAddSingleton(sp => RecognizerFactory.VideoPreprocessor(
            sp.GetRequiredService<ModelSet>(),
            sp.GetRequiredService<IFaceDetector>(),
            video =>
            {
                NeuroSyncVideoOptions overrides = Options(sp).Video;
                video.FrameStride = overrides.FrameStride ?? video.FrameStride;
                video.TooDarkMeanLuma = overrides.TooDarkMeanLuma ?? video.TooDarkMeanLuma;
                video.CoveredLumaStdDev = overrides.CoveredLumaStdDev ?? video.CoveredLumaStdDev;
                video.ChannelOrder = overrides.ChannelOrder ?? video.ChannelOrder;
            }));
        var builder = new NeuroSyncBuilder(services);
        services.AddSingleton(new BuilderMarker(builder));
        services.TryAddSingleton<IEmotionRecognizer>(sp => builder.Build(sp.GetRequiredService<EmotionRecognizer>(), sp));
        services.TryAddSingleton(sp =>
        {
            ModelSet modelSet = sp.GetRequiredService<ModelSet>();
            EmotionRecognizerOptions options = RecognizerFactory.RecognizerOptions(modelSet);
            options.ComputeContributions = Options(sp).ComputeContributions ?? options.ComputeContributions;
            options.ModalityScheduling = Options(sp).ModalityScheduling ?? options.ModalityScheduling;
            options.Mode = Options(sp).Mode ?? options.Mode;
            return new EmotionRecognizer(
                sp.GetRequiredService<IAudioEncoder>(),
                sp.GetRequiredService<IVisualEncoder>(),
                sp.GetRequiredService<IFusionEngine>(),
                sp.GetRequiredService<AudioPreprocessor>(),
                sp.GetRequiredService<VideoPreprocessor>(),
                options);
        });
        return builder;
    }

    private static NeuroSyncOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<NeuroSyncOptions>>().Value;

    /// <summary>Marks a collection NeuroSync was added to, holding the builder its recognizer is built with.</summary>
    private sealed class BuilderMarker(NeuroSyncBuilder builder)
    {
        public NeuroSyncBuilder Builder => builder;
    }
}
