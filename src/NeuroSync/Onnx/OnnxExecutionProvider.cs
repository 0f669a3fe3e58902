namespace NeuroSync.Onnx;

/// <summary>Where ONNX Runtime runs the models.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>The CPU (needs the <c>Microsoft.ML.OnnxRuntime</c> package in the application).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA (needs <c>Microsoft.ML.OnnxRuntime.Gpu</c> in the application instead of the CPU package).</summary>
    Cuda,
}
