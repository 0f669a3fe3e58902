namespace NeuroSync.Tests.Audio;

/// <summary>Test signals and measurements for the audio tests, computed plainly in double.</summary>
internal static class SignalAnalysis
{
    public static float[] Tone(int sampleRate, double frequency, int frames, double amplitude, int channels = 1, double phase = 0)
    {
        var samples = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            float v = (float)(amplitude * Math.Sin((2 * Math.PI * frequency * i / sampleRate) + phase));
            for (int c = 0; c < channels; c++)
            {
                samples[(i * channels) + c] = v;
            }
        }

        return samples;
    }

    /// <summary>A linear chirp sampled at <paramref name="sampleRate"/>: the same continuous signal at any rate.</summary>
    public static float[] Chirp(int sampleRate, double f0, double f1, double seconds, double amplitude)
    {
        int frames = (int)Math.Round(seconds * sampleRate);
        var samples = new float[frames];
        double k = (f1 - f0) / seconds;
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / sampleRate;
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * ((f0 * t) + (0.5 * k * t * t))));
        }

        return samples;
    }

    public static float[] Noise(int count, int seed, double amplitude)
    {
        var random = new Random(seed);
        var samples = new float[count];
        for (int i = 0; i < count; i++)
        {
            samples[i] = (float)(amplitude * ((2 * random.NextDouble()) - 1));
        }

        return samples;
    }

    /// <summary>Least-squares fit of <c>a sin(w n) + b cos(w n)</c> over <paramref name="samples"/>: the tone's amplitude.</summary>
    public static double FitAmplitude(ReadOnlySpan<float> samples, double frequency, int sampleRate, int first)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            double s = Math.Sin(w * (first + i)), c = Math.Cos(w * (first + i));
            ss += s * s;
            sc += s * c;
            cc += c * c;
            ys += samples[i] * s;
            yc += samples[i] * c;
        }

        double det = (ss * cc) - (sc * sc);
        double a = ((ys * cc) - (yc * sc)) / det;
        double b = ((yc * ss) - (ys * sc)) / det;
        return Math.Sqrt((a * a) + (b * b));
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float v in samples)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    /// <summary>The lag (in samples, within +/- <paramref name="maxLag"/>) that maximises the normalised cross-correlation of <paramref name="a"/> shifted against <paramref name="b"/>.</summary>
    public static int CrossCorrelationPeakLag(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int maxLag, int margin)
    {
        int best = 0;
        double bestValue = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (int i = margin; i < Math.Min(a.Length, b.Length) - margin; i++)
            {
                int j = i + lag;
                if (j >= 0 && j < a.Length)
                {
                    sum += (double)a[j] * b[i];
                }
            }

            if (sum > bestValue)
            {
                bestValue = sum;
                best = lag;
            }
        }

        return best;
    }
}
