using System.Numerics.Tensors;

namespace NeuroSync.Audio;

/// <summary>
/// The span kernels of the audio front-end. Each reads a <see cref="ReadOnlySpan{T}"/>, writes a caller-owned
/// <see cref="Span{T}"/> whose length it checks, and allocates nothing. Sums are taken in float blocks with
/// <see cref="TensorPrimitives"/> and accumulated in <see cref="double"/>, so statistics over 112 000 samples keep
/// about 1e-9 relative precision (numpy's float32 pairwise sums are within 1e-7 of them).
/// </summary>
internal static class AudioKernels
{
    /// <summary>Samples per float partial sum before it is added to the double accumulator.</summary>
    private const int BlockSize = 256;

    /// <summary>Averages the channels of each frame: <c>destination[f] = mean(interleaved[f * channels .. (f + 1) * channels])</c>.</summary>
    /// <param name="interleaved">Frames of <paramref name="channels"/> samples each.</param>
    /// <param name="channels">Samples per frame (1 to 64).</param>
    /// <param name="destination">One sample per frame; its length must be <c>interleaved.Length / channels</c>.</param>
    public static void MixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        int frames = interleaved.Length / channels;
        if (frames * channels != interleaved.Length)
        {
            ThrowHelper.ThrowArgument(nameof(interleaved), $"Interleaved samples: expected a multiple of {channels} (one per channel per frame), found {interleaved.Length}.");
        }

        if (destination.Length != frames)
        {
            ThrowHelper.ThrowArgument(nameof(destination), $"Destination length: expected {frames} (one sample per frame), found {destination.Length}.");
        }

        switch (channels)
        {
            case 1:
                interleaved.CopyTo(destination);
                break;
            case 2:
                for (int f = 0, i = 0; f < frames; f++, i += 2)
                {
                    // (a + b) / 2 as numpy's float32 mean over two values computes it: one rounding, then an exact halving.
                    destination[f] = (interleaved[i] + interleaved[i + 1]) * 0.5f;
                }

                break;
            default:
                for (int f = 0, i = 0; f < frames; f++)
                {
                    float sum = 0;
                    for (int c = 0; c < channels; c++, i++)
                    {
                        sum += interleaved[i];
                    }

                    destination[f] = sum / channels;
                }

                break;
        }
    }

    /// <summary>Sum of the samples, accumulated in double.</summary>
    public static double Sum(ReadOnlySpan<float> source)
    {
        double total = 0;
        for (int i = 0; i < source.Length; i += BlockSize)
        {
            total += TensorPrimitives.Sum(source.Slice(i, Math.Min(BlockSize, source.Length - i)));
        }

        return total;
    }

    /// <summary>Sum of the squared samples, accumulated in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> source)
    {
        double total = 0;
        for (int i = 0; i < source.Length; i += BlockSize)
        {
            total += TensorPrimitives.SumOfSquares(source.Slice(i, Math.Min(BlockSize, source.Length - i)));
        }

        return total;
    }

    /// <summary>Root mean square of the samples, <c>sqrt(sum(x^2) / n)</c>, accumulated in double; 0 for an empty span.</summary>
    public static double Rms(ReadOnlySpan<float> source) => source.IsEmpty ? 0 : Math.Sqrt(SumOfSquares(source) / source.Length);

    /// <summary>
    /// Wav2Vec2 zero-mean unit-variance normalisation with an attention mask (transformers'
    /// <c>Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm</c>): <c>(x - mean) / sqrt(var + epsilon)</c> over
    /// <paramref name="source"/> (the valid samples; population variance) into <c>destination[..source.Length]</c>,
    /// and zeros in the rest of <paramref name="destination"/> (the padding).
    /// </summary>
    /// <param name="source">The valid samples; may be <c>destination[..source.Length]</c> itself (in place), but must not overlap it otherwise.</param>
    /// <param name="destination">At least as long as <paramref name="source"/>.</param>
    /// <param name="epsilon">Added to the variance (1e-7 in the original).</param>
    public static void NormalizeWav2Vec2(ReadOnlySpan<float> source, Span<float> destination, double epsilon)
    {
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowDestinationTooShort(nameof(destination), source.Length, destination.Length);
        }

        int n = source.Length;
        Span<float> valid = destination[..n];
        if (n > 0)
        {
            double mean = Sum(source) / n;
            float meanF = (float)mean;
            TensorPrimitives.Subtract(source, meanF, valid);

            // Variance about the float-rounded mean, corrected for the rounding: E[(x - m')^2] - (E[x - m'])^2.
            double shift = Sum(valid) / n;
            double variance = Math.Max(0, (SumOfSquares(valid) / n) - (shift * shift));
            float std = (float)Math.Sqrt(variance + epsilon);
            TensorPrimitives.Divide(valid, std, valid);
        }

        destination[n..].Clear();
    }

    /// <summary>The index of the first NaN or infinity, or -1 when every sample is finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> source)
    {
        // IsFiniteAll answers false for an empty span (System.Numerics.Tensors 10.0.0), hence the explicit check.
        if (source.IsEmpty || TensorPrimitives.IsFiniteAll<float>(source))
        {
            return -1;
        }

        for (int i = 0; i < source.Length; i++)
        {
            if (!float.IsFinite(source[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
