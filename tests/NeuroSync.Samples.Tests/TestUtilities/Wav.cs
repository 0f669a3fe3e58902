namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>Writes 16-bit PCM mono WAV files in memory.</summary>
internal static class Wav
{
    /// <summary>Encodes samples in [-1, 1] as a 16-bit PCM mono WAV.</summary>
    public static byte[] Pcm16(ReadOnlySpan<float> samples, int sampleRate) =>
        Encode(samples, sampleRate, format: 1, bytesPerSample: 2, (w, s) => w.Write((short)Math.Round(Math.Clamp(s, -1f, 1f) * short.MaxValue)));

    /// <summary>Encodes samples as a 32-bit float mono WAV, as they are (NaN included).</summary>
    public static byte[] Float32(ReadOnlySpan<float> samples, int sampleRate) =>
        Encode(samples, sampleRate, format: 3, bytesPerSample: 4, (w, s) => w.Write(s));

    private static byte[] Encode(ReadOnlySpan<float> samples, int sampleRate, short format, short bytesPerSample, Action<BinaryWriter, float> write)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + (samples.Length * bytesPerSample));
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write(format);
        writer.Write((short)1);
        writer.Write(sampleRate);
        writer.Write(sampleRate * bytesPerSample);
        writer.Write(bytesPerSample);
        writer.Write((short)(8 * bytesPerSample));
        writer.Write("data"u8);
        writer.Write(samples.Length * bytesPerSample);
        foreach (float s in samples)
        {
            write(writer, s);
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>A seeded clip: a tone with harmonics plus noise, different for every seed.</summary>
    public static float[] Voice(int seed, int sampleRate, double seconds)
    {
        var random = new Random(seed);
        double f0 = 110 + (seed * 23 % 220);
        double amplitude = 0.1 + (0.05 * (seed % 5));
        var samples = new float[(int)(sampleRate * seconds)];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = (double)i / sampleRate;
            double tone = Math.Sin(2 * Math.PI * f0 * t) + (0.5 * Math.Sin(2 * Math.PI * 2 * f0 * t)) + (0.25 * Math.Sin(2 * Math.PI * 3 * f0 * t));
            double envelope = 0.6 + (0.4 * Math.Sin(2 * Math.PI * (2 + (seed % 3)) * t));
            samples[i] = (float)((amplitude * tone * envelope / 1.75) + (0.01 * ((random.NextDouble() * 2) - 1)));
        }

        return samples;
    }
}
