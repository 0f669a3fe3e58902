namespace NeuroSync.Tests.Audio;

/// <summary>The naive twins of <c>AudioKernels</c>: one scalar double loop per formula, as in the seed and numpy.</summary>
internal static class NaiveAudioKernels
{
    public static float[] MixToMono(float[] interleaved, int channels)
    {
        var mono = new float[interleaved.Length / channels];
        for (int f = 0; f < mono.Length; f++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += interleaved[(f * channels) + c];
            }

            mono[f] = (float)(sum / channels);
        }

        return mono;
    }

    public static double Rms(float[] samples)
    {
        double sum = 0;
        foreach (float v in samples)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>transformers' zero_mean_unit_var_norm for one vector with attention mask length <c>valid.Length</c>, padded to <paramref name="length"/>.</summary>
    public static float[] NormalizeWav2Vec2(float[] valid, int length, double epsilon)
    {
        double mean = 0;
        foreach (float v in valid)
        {
            mean += v;
        }

        mean /= valid.Length;
        double variance = 0;
        foreach (float v in valid)
        {
            variance += (v - mean) * (v - mean);
        }

        variance /= valid.Length;
        double std = Math.Sqrt(variance + epsilon);
        var output = new float[length];
        for (int i = 0; i < valid.Length; i++)
        {
            output[i] = (float)((valid[i] - mean) / std);
        }

        return output;
    }

    /// <summary>Direct evaluation of a windowed-sinc interpolation at every output time (no tables): the resampler's naive twin.</summary>
    public static float[] Resample(float[] input, int sourceRate, int targetRate, int outputCount, double cutoff, int halfTaps, double beta)
    {
        var output = new float[outputCount];
        double b = cutoff / sourceRate;
        double i0Beta = BesselI0(beta);
        for (int n = 0; n < outputCount; n++)
        {
            double t = (double)n * sourceRate / targetRate;
            int first = (int)Math.Floor(t) - halfTaps + 1;
            double sum = 0, weights = 0;
            for (int j = first; j < first + (2 * halfTaps); j++)
            {
                double x = t - j;
                double r = x / halfTaps;
                double window = Math.Abs(r) > 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (r * r))) / i0Beta;
                double arg = 2 * b * x;
                double w = 2 * b * (arg == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg)) * window;
                weights += w;
                if (j >= 0 && j < input.Length)
                {
                    sum += w * input[j];
                }
            }

            output[n] = (float)(sum / weights);
        }

        return output;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 200; k++)
        {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
