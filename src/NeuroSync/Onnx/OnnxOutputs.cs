using Microsoft.ML.OnnxRuntime;

namespace NeuroSync.Onnx;

internal static class OnnxOutputs
{
    /// <summary>Copies an encoder output <c>[..., rows, columns]</c> (leading dimensions of 1) into a pooled feature matrix.</summary>
    public static FeatureMatrix ToFeatureMatrix(OrtValue output, int rank, int columns, string modelPath)
    {
        long[] shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != rank || shape[^1] != columns || shape[..^2].Any(d => d != 1))
        {
            throw new ModelMismatchException($"Model '{Path.GetFileName(modelPath)}' output: expected shape of rank {rank} ending in {columns}, found {TensorShape.Format(shape)}.");
        }

        int rows = (int)shape[^2];
        ReadOnlySpan<float> data = output.GetTensorDataAsSpan<float>();
        var buffer = new PooledBuffer<float>(rows * columns);
        data.CopyTo(buffer.Span);
        return new FeatureMatrix(buffer, rows, columns);
    }
}
