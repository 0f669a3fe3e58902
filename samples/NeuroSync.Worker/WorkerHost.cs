using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NeuroSync.DependencyInjection;

namespace NeuroSync.Worker;

/// <summary>Builds the worker's host: NeuroSync through <c>AddNeuroSync</c> (the lite set unless configured otherwise), the
/// validated <see cref="WorkerOptions"/> and the <see cref="FolderWorker"/>.</summary>
public static class WorkerHost
{
    /// <summary>The model set used when neither <c>NeuroSync:ModelPath</c> nor <c>NeuroSync:ModelSet</c> is configured.</summary>
    public const string DefaultModelSet = "lite";

    /// <summary>Short command-line switches for the <c>Worker</c> settings.</summary>
    private static readonly Dictionary<string, string> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--input"] = "Worker:InputFolder",
        ["--poll"] = "Worker:PollInterval",
        ["--patterns"] = "Worker:Patterns",
        ["--hop"] = "Worker:Hop",
        ["--window"] = "Worker:Window",
        ["--mode"] = "Worker:Mode",
        ["--fps"] = "Worker:Fps",
        ["--models"] = "NeuroSync:ModelPath",
    };

    /// <summary>Creates the host builder.</summary>
    /// <param name="args">The command line (<c>--input</c>, <c>--poll</c>, <c>--patterns</c>, <c>--hop</c>, <c>--window</c>,
    /// <c>--mode</c>, <c>--fps</c>, <c>--models</c>, or any <c>--Section:Key=value</c>).</param>
    /// <param name="configure">Changes before the host is built (tests add settings, loggers and hooks).</param>
    /// <returns>The builder.</returns>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        // The content root is the program's folder, whatever the working folder: an appsettings.json put there is read (none is
        // shipped: the defaults are in WorkerOptions, and a copy would collide with the web sample's in the tests' output).
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(args, Switches);
        configure?.Invoke(builder);

        ConfigurationManager configuration = builder.Configuration;
        builder.Services.AddNeuroSync(options =>
        {
            configuration.GetSection(NeuroSyncOptions.SectionName).Bind(options);
            if (string.IsNullOrEmpty(options.ModelPath) && string.IsNullOrEmpty(options.ModelSet))
            {
                options.ModelSet = DefaultModelSet;
            }
        });
        builder.Services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        builder.Services.TryAddSingleton<WorkerHooks>();
        builder.Services.AddHostedService<FolderWorker>();
        return builder;
    }
}
