namespace NeuroSync.Onnx;

internal static class OnnxModelOptions
{
    public static OnnxRuntimeOptions Validated(OnnxRuntimeOptions? options)
    {
        OnnxRuntimeOptions copy = options?.Clone() ?? new OnnxRuntimeOptions();
        copy.Validate();
        return copy;
    }
}
