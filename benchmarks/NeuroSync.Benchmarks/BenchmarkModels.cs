using NeuroSync.Onnx;

namespace NeuroSync.Benchmarks;

/// <summary>The model set the ONNX and end-to-end benchmarks load: <c>models/tiny</c>, or the folder named by <c>NEUROSYNC_MODELS</c>.</summary>
/// <remarks><see cref="Program"/> makes a relative <c>NEUROSYNC_MODELS</c> absolute (against the folder the command was started in)
/// before BenchmarkDotNet starts its benchmark processes, which inherit the variable but run in another folder.</remarks>
public static class BenchmarkModels
{
    /// <summary>The environment variable that names another model folder (for example real-size models), or a manifest file in one.</summary>
    public const string EnvironmentVariable = "NEUROSYNC_MODELS";

    /// <summary>The model set used when the variable is not set: the committed tiny test models (random weights).</summary>
    public const string DefaultFolder = "models/tiny";

    /// <summary>The environment variable that picks the execution provider: <c>Cpu</c> (default) or <c>Cuda</c>.</summary>
    public const string ExecutionProviderVariable = "NEUROSYNC_EXECUTION_PROVIDER";

    /// <summary>Gets the ONNX Runtime options the benchmarks load models with. CUDA is required when asked for (no
    /// fallback), so a GPU benchmark can never report CPU times.</summary>
    public static OnnxRuntimeOptions OnnxOptions
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(ExecutionProviderVariable);
            if (string.IsNullOrWhiteSpace(configured))
            {
                return new OnnxRuntimeOptions();
            }

            if (!Enum.TryParse(configured, ignoreCase: true, out OnnxExecutionProvider provider) || !Enum.IsDefined(provider))
            {
                throw new InvalidOperationException($"{ExecutionProviderVariable}: expected Cpu or Cuda, found '{configured}'.");
            }

            return new OnnxRuntimeOptions { ExecutionProvider = provider, FallBackToCpu = false };
        }
    }

    /// <summary>Gets the full path of the model folder to benchmark.</summary>
    public static string Folder
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(configured)
                ? System.IO.Path.Combine(RepositoryFiles.Root, DefaultFolder)
                : System.IO.Path.GetFullPath(configured);
        }
    }

    /// <summary>Makes a relative <c>NEUROSYNC_MODELS</c> absolute for the benchmark processes (they run in another folder).</summary>
    public static void PinForChildProcesses()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Environment.SetEnvironmentVariable(EnvironmentVariable, System.IO.Path.GetFullPath(configured));
        }
    }
}
