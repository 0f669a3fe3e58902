using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace NeuroSync.Benchmarks.Onnx;

/// <summary>
/// The hardware floor: one dense float32 product of two 2048 x 2048 matrices (2 x 2048^3 = 17.2 GFLOP) through ONNX Runtime
/// with its default CPU session options, the committed single-node model <c>tools/bench/matmul.onnx</c>
/// (<c>tools/bench/make_matmul_onnx.py</c>). Its time gives the GFLOP/s this machine reaches on the operation that dominates the
/// encoders; <c>tools/bench/compare_table.py</c> divides the encoders' FLOP counts by it to get the floor of each stage.
/// </summary>
/// <remarks>Inputs and output are bound to preallocated arrays, so the row times the kernel, not allocation.</remarks>
[MemoryDiagnoser]
public class MatMulFloorBenchmarks : IDisposable
{
    /// <summary>The matrix size (M = K = N).</summary>
    public const int Size = 2048;

    private static readonly string[] InputNames = ["A", "B"];
    private static readonly string[] OutputNames = ["C"];

    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _a = null!;
    private OrtValue _b = null!;
    private OrtValue _c = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue[] _outputs = null!;

    /// <summary>Opens the model and fills the operands with seeded values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2048);
        var a = new float[Size * Size];
        var b = new float[Size * Size];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(random.NextDouble() - 0.5);
            b[i] = (float)(random.NextDouble() - 0.5);
        }

        long[] shape = [Size, Size];
        _session = new InferenceSession(RepositoryFiles.Path("tools/bench/matmul.onnx"));
        _runOptions = new RunOptions();
        _a = OrtValue.CreateTensorValueFromMemory(a, shape);
        _b = OrtValue.CreateTensorValueFromMemory(b, shape);
        _c = OrtValue.CreateTensorValueFromMemory(new float[Size * Size], shape);
        _inputs = [_a, _b];
        _outputs = [_c];
        Console.WriteLine($"// MatMul floor: {Size}x{Size}x{Size}, {2.0 * Size * Size * Size / 1e9:F1} GFLOP per call");
    }

    /// <summary>One 2048 x 2048 x 2048 float32 MatMul.</summary>
    /// <returns>One output value, so the call is not optimised away.</returns>
    [Benchmark(Description = "ONNX Runtime MatMul 2048x2048x2048 float32 (17.2 GFLOP)")]
    public float MatMul()
    {
        _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);
        return _c.GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>Releases the session and the tensors.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
        _c?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
        GC.SuppressFinalize(this);
    }
}
