using BenchmarkDotNet.Attributes;
using NeuroSync.Audio;
using NWaves.Operations;
using NWaves.Signals;

namespace NeuroSync.Benchmarks.Audio;

/// <summary>
/// The audio front-end on 7 s of 48 kHz stereo (a typical microphone or video soundtrack): mix to mono and resample to
/// 16 kHz, then the whole preprocessing (gate and Wav2Vec2 normalisation included). NWaves' general band-limited
/// resampler on the same signal is the reference point.
/// </summary>
[MemoryDiagnoser]
public class AudioPreprocessingBenchmarks
{
    private const int SourceRate = 48_000;
    private const int Seconds = 7;

    private AudioClip _clip = null!;
    private float[] _mono = null!;
    private float[] _destination = null!;
    private AudioPreprocessor _preprocessor = null!;
    private Resampler _nwaves = null!;

    /// <summary>Builds a seeded speech-like stereo clip and warms the preprocessor's filter cache.</summary>
    [GlobalSetup]
    public void Setup()
    {
        const int frames = SourceRate * Seconds;
        var random = new Random(1234);
        var samples = new float[frames * 2];
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / SourceRate;
            double envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 4 * t));
            double voice = 0;
            for (int h = 1; h <= 12; h++)
            {
                voice += Math.Sin(2 * Math.PI * 140 * h * t) / h;
            }

            float noise = (float)((random.NextDouble() - 0.5) * 0.02);
            samples[2 * i] = (float)(0.2 * envelope * voice) + noise;
            samples[(2 * i) + 1] = (float)(0.15 * envelope * voice) - noise;
        }

        _clip = new AudioClip(samples, SourceRate, channels: 2);
        _mono = new float[frames];
        _preprocessor = new AudioPreprocessor();
        _destination = new float[_preprocessor.MaxSamples];
        _nwaves = new Resampler();
        _preprocessor.ResampleToMono(_clip, _destination);
    }

    /// <summary>Reference point: average the channels, then NWaves' <c>Resampler.Resample</c> (windowed sinc, order 15).</summary>
    /// <returns>The resampled length, so the work is not optimised away.</returns>
    [Benchmark(Baseline = true, Description = "NWaves Resample 48k stereo->16k mono (reference)")]
    public int NWavesResample()
    {
        ReadOnlySpan<float> stereo = _clip.Samples.Span;
        for (int i = 0; i < _mono.Length; i++)
        {
            _mono[i] = (stereo[2 * i] + stereo[(2 * i) + 1]) * 0.5f;
        }

        return _nwaves.Resample(new DiscreteSignal(SourceRate, _mono), 16_000).Length;
    }

    /// <summary>NeuroSync: mono and 16 kHz, first 7 s, into a caller-owned buffer.</summary>
    /// <returns>The number of samples written.</returns>
    [Benchmark(Description = "ResampleToMono 48k stereo->16k mono")]
    public int ResampleToMono() => _preprocessor.ResampleToMono(_clip, _destination);

    /// <summary>NeuroSync: the whole audio front-end (resample, gate, normalise, pad) into the encoder input.</summary>
    /// <returns>The number of valid samples.</returns>
    [Benchmark(Description = "Preprocess 48k stereo (full audio front-end)")]
    public int Preprocess() => _preprocessor.Preprocess(_clip, _destination).ValidSamples;
}
