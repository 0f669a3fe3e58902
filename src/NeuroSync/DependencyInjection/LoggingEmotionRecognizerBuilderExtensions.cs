using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuroSync;
using NeuroSync.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><see cref="NeuroSyncBuilder"/> support for <see cref="LoggingEmotionRecognizer"/>.</summary>
public static class LoggingEmotionRecognizerBuilderExtensions
{
    /// <summary>Logs the recognizer's work (see <see cref="LoggingEmotionRecognizer"/>), with a logger from
    /// <paramref name="loggerFactory"/> or, when <see langword="null"/>, from the container's <see cref="ILoggerFactory"/>
    /// (no logging when it has none).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">Where the logger comes from; the container's when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static NeuroSyncBuilder UseLogging(this NeuroSyncBuilder builder, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            ILoggerFactory factory = loggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new LoggingEmotionRecognizer(inner, factory.CreateLogger<LoggingEmotionRecognizer>());
        });
    }
}
