using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;

namespace NeuroSync.Benchmarks.Audio;

/// <summary>
/// The audio front-end on the clip of the end-to-end benchmark: the committed 9 s speech-like WAV, 16 kHz mono (decoded once
/// in the setup), to the encoder input: first 7 s, RMS silence gate, Wav2Vec2 normalisation, zero padding to 112 000 samples.
/// No resampling happens at 16 kHz. This is the counterpart of the original's feature-extractor step that
/// <c>tools/bench/pytorch_reference.py</c> times; the reference row is the textbook scalar version of the same steps.
/// </summary>
[MemoryDiagnoser]
public class SpeechClipPreprocessingBenchmarks
{
    private const string WavPath = "tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav";
    private const double SilenceRms = 0.015;
    private const double Epsilon = 1e-7;

    private AudioClip _clip = null!;
    private AudioPreprocessor _preprocessor = null!;
    private float[] _destination = null!;

    /// <summary>Decodes the WAV and sizes the encoder input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _clip = AudioClip.ReadWav(RepositoryFiles.Path(WavPath));
        _preprocessor = new AudioPreprocessor();
        _destination = new float[_preprocessor.MaxSamples];
        if (_clip.SampleRate != _preprocessor.TargetSampleRate || _clip.Channels != 1)
        {
            throw new InvalidOperationException($"{WavPath}: expected 16 kHz mono, found {_clip.SampleRate} Hz, {_clip.Channels} channels.");
        }
    }

    /// <summary>Reference point: the same steps as scalar loops in double (RMS, mean, population variance, normalise, pad).</summary>
    /// <returns>One output value, so the work is not optimised away.</returns>
    [Benchmark(Baseline = true, Description = "Naive scalar gate + normalise + pad, 7 s of 16 kHz (reference)")]
    public float Naive()
    {
        ReadOnlySpan<float> x = _clip.Samples.Span;
        int n = Math.Min(x.Length, _destination.Length);
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            sum += x[i];
            squares += (double)x[i] * x[i];
        }

        if (n == 0 || Math.Sqrt(squares / n) < SilenceRms)
        {
            Array.Clear(_destination);
            return 0;
        }

        double mean = sum / n;
        double variance = 0;
        for (int i = 0; i < n; i++)
        {
            variance += (x[i] - mean) * (x[i] - mean);
        }

        double std = Math.Sqrt((variance / n) + Epsilon);
        for (int i = 0; i < n; i++)
        {
            _destination[i] = (float)((x[i] - mean) / std);
        }

        Array.Clear(_destination, n, _destination.Length - n);
        return _destination[n - 1];
    }

    /// <summary>NeuroSync's <see cref="AudioPreprocessor.Preprocess(AudioClip, Span{float})"/> into a caller-owned buffer.</summary>
    /// <returns>The number of valid samples.</returns>
    [Benchmark(Description = "AudioPreprocessor.Preprocess, 9 s speech 16 kHz mono -> 112000")]
    public int Preprocess() => _preprocessor.Preprocess(_clip, _destination).ValidSamples;
}
