using Microsoft.ML.OnnxRuntime;

namespace NeuroSync.Onnx;

/// <summary>How ONNX Runtime sessions are created for a model set.</summary>
/// <remarks>Applied when a session is created; changing an instance afterwards has no effect on existing sessions.</remarks>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Gets or sets the threads one operator may use; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpNumThreads { get; set; }

    /// <summary>Gets or sets the threads used to run independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpNumThreads { get; set; }

    /// <summary>Gets or sets a value indicating whether ONNX Runtime's worker threads spin while they wait for work. Default
    /// false: spinning threads take the cores from the other models and from the face detector. Measured on 2 cores with the
    /// audio and video paths overlapped, real-size models: about 1,190 ms with spinning against 1,060 to 1,100 ms without
    /// (docs/performance.md); the lite set, paths one after the other: 630 against 500 ms, though its many small
    /// voice-activity runs alone take 15 ms with spinning against 19 ms without. One model running alone on an otherwise
    /// idle machine may gain a few milliseconds with true.</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Gets or sets the graph optimisation level. Default: all optimisations.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Gets or sets where the models run. Default <see cref="OnnxExecutionProvider.Cpu"/>.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; set; } = OnnxExecutionProvider.Cpu;

    /// <summary>Gets or sets the CUDA device, when <see cref="ExecutionProvider"/> is <see cref="OnnxExecutionProvider.Cuda"/>.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Gets or sets a value indicating whether to fall back to the CPU when CUDA cannot be used, rather than fail. Default true
    /// ("GPU if available, else CPU": the recognizer logs a warning with ONNX Runtime's reason). False makes the GPU required:
    /// loading the models fails with a <see cref="NeuroSyncException"/> that says what is missing.</summary>
    public bool FallBackToCpu { get; set; } = true;

    /// <summary>Gets or sets a hook for any other <see cref="SessionOptions"/> setting, applied last.</summary>
    public Action<SessionOptions>? ConfigureSessionOptions { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (IntraOpNumThreads < 0 || InterOpNumThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), $"OnnxRuntimeOptions: expected thread counts of 0 (automatic) or more, found {IntraOpNumThreads} and {InterOpNumThreads}.");
        }

        if (CudaDeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CudaDeviceId), CudaDeviceId, "OnnxRuntimeOptions.CudaDeviceId: expected 0 or more.");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "OnnxRuntimeOptions.GraphOptimizationLevel: expected a GraphOptimizationLevel value.");
        }

        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "OnnxRuntimeOptions.ExecutionProvider: expected Cpu or Cuda.");
        }
    }

    /// <summary>Copies the settings (the hook is shared).</summary>
    /// <returns>An independent copy.</returns>
    public OnnxRuntimeOptions Clone() => (OnnxRuntimeOptions)MemberwiseClone();

    /// <summary>A validated private copy, or the defaults, for a model to keep.</summary>
    internal static OnnxRuntimeOptions ValidatedCopy(OnnxRuntimeOptions? options)
    {
        OnnxRuntimeOptions copy = options?.Clone() ?? new OnnxRuntimeOptions();
        copy.Validate();
        return copy;
    }
}
