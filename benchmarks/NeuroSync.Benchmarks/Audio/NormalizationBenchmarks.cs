using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;

namespace NeuroSync.Benchmarks.Audio;

/// <summary>Wav2Vec2 zero-mean unit-variance normalisation of a full 7 s input (112 000 samples at 16 kHz).</summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks
{
    private const int Samples = 112_000;
    private const double Epsilon = 1e-7;

    private float[] _source = null!;
    private float[] _destination = null!;

    /// <summary>Fills the input with seeded noise around a small DC offset.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _source = new float[Samples];
        for (int i = 0; i < Samples; i++)
        {
            _source[i] = 0.05f + (float)((random.NextDouble() - 0.5) * 0.4);
        }

        _destination = new float[Samples];
    }

    /// <summary>Reference point: the textbook scalar two-pass loop in double.</summary>
    /// <returns>One output value, so the work is not optimised away.</returns>
    [Benchmark(Baseline = true, Description = "Naive scalar two-pass (reference)")]
    public float Naive()
    {
        double sum = 0;
        foreach (float x in _source)
        {
            sum += x;
        }

        double mean = sum / Samples;
        double squares = 0;
        foreach (float x in _source)
        {
            squares += (x - mean) * (x - mean);
        }

        double std = Math.Sqrt((squares / Samples) + Epsilon);
        for (int i = 0; i < Samples; i++)
        {
            _destination[i] = (float)((_source[i] - mean) / std);
        }

        return _destination[^1];
    }

    /// <summary>NeuroSync's kernel (TensorPrimitives blocks accumulated in double).</summary>
    /// <returns>One output value, so the work is not optimised away.</returns>
    [Benchmark(Description = "AudioKernels.NormalizeWav2Vec2 112000 samples")]
    public float Kernel()
    {
        AudioKernels.NormalizeWav2Vec2(_source, _destination, Epsilon);
        return _destination[^1];
    }
}
