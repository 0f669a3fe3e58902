using Microsoft.Extensions.Options;
using NeuroSync.DependencyInjection;

namespace NeuroSync.Web;

/// <summary>The host's start-up options validation, except <see cref="NeuroSyncOptions"/>: AddNeuroSync validates its
/// options on start, loading the model set's manifest, so a wrong <c>NeuroSync:ModelPath</c> would stop the host before
/// <c>/healthz</c> could report it. Its failure is <see cref="ModelSetStatus"/>'s to report instead; every other section
/// (<c>Upload</c>, <c>Live</c>) still stops the start with its message.</summary>
/// <param name="inner">The host's own validator.</param>
internal sealed class ModelTolerantStartupValidator(IStartupValidator inner) : IStartupValidator
{
    /// <summary>Puts this validator around the registered one.</summary>
    /// <param name="services">The app's services, after every <c>ValidateOnStart</c>.</param>
    public static void Decorate(IServiceCollection services)
    {
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IStartupValidator) && services[i].ImplementationType is { } type)
            {
                services[i] = ServiceDescriptor.Describe(
                    typeof(IStartupValidator),
                    sp => new ModelTolerantStartupValidator((IStartupValidator)ActivatorUtilities.CreateInstance(sp, type)),
                    services[i].Lifetime);
                return;
            }
        }
    }

    /// <inheritdoc/>
    public void Validate()
    {
        try
        {
            inner.Validate();
        }
        catch (OptionsValidationException ex) when (IsNeuroSync(ex))
        {
            // Reported by ModelSetStatus (it resolved the options, and so ran the same validation, when the app was built).
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Any(IsNeuroSync))
        {
            Exception[] others = [.. ex.InnerExceptions.Where(e => !IsNeuroSync(e))];
            if (others.Length == 1)
            {
                throw others[0];
            }

            if (others.Length > 1)
            {
                throw new AggregateException(others);
            }
        }
    }

    private static bool IsNeuroSync(Exception ex) => ex is OptionsValidationException { OptionsType: var type } && type == typeof(NeuroSyncOptions);
}
