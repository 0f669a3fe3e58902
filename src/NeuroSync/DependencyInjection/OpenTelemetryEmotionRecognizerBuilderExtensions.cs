using System.Diagnostics.Metrics;
using NeuroSync;
using NeuroSync.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><see cref="NeuroSyncBuilder"/> support for <see cref="OpenTelemetryEmotionRecognizer"/>.</summary>
public static class OpenTelemetryEmotionRecognizerBuilderExtensions
{
    /// <summary>Traces and measures the recognizer (see <see cref="OpenTelemetryEmotionRecognizer"/>), with the container's
    /// <see cref="IMeterFactory"/> when it has one.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sourceName">The name of the activity source and the meter. Default <c>NeuroSync</c>.</param>
    /// <returns>The builder.</returns>
    public static NeuroSyncBuilder UseOpenTelemetry(this NeuroSyncBuilder builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new OpenTelemetryEmotionRecognizer(inner, services.GetService<IMeterFactory>(), sourceName));
    }
}
