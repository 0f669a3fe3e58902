namespace NeuroSync.Onnx;

/// <summary>A pipeline part that runs an ONNX model, and where that model actually runs.</summary>
internal interface IOnnxBacked
{
    /// <summary>Gets the execution provider the model's session uses.</summary>
    OnnxExecutionProvider ExecutionProvider { get; }

    /// <summary>Gets why the requested provider (CUDA) could not be used and the CPU was taken instead; <see langword="null"/>
    /// when the requested provider is the one in use.</summary>
    string? ProviderFallbackReason { get; }
}
