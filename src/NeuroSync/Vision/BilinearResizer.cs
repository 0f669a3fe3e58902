using System.Buffers;

namespace NeuroSync.Vision;

/// <summary>
/// Bilinear resize of 8-bit images with the exact arithmetic of OpenCV's <c>cv::resize(..., INTER_LINEAR)</c>:
/// half-pixel centres, the 2x2 nearest source pixels, no antialiasing, 11-bit fixed-point weights.
/// </summary>
/// <remarks>
/// Written by hand because parity needs OpenCV's rounding: ImageSharp's samplers widen their kernel when shrinking
/// (an area-like filter), which moved the original model's probabilities by about 8e-3 (see SEED-SEMANTICS.md).
/// The vertical pass uses the formula of OpenCV's SIMD kernel (<c>VResizeLinearVec_32s8u</c>), which OpenCV applies to
/// nearly every pixel on x86 and ARM; its scalar tail may differ by one level on a few pixels at the end of a row.
/// </remarks>
internal static class BilinearResizer
{
    private const int CoefficientBits = 11;
    private const int CoefficientScale = 1 << CoefficientBits;

    /// <summary>Resizes an interleaved 8-bit image.</summary>
    /// <param name="source">The source pixels; row <c>y</c> starts at <c>y * sourceStride</c>.</param>
    /// <param name="sourceWidth">The source width in pixels.</param>
    /// <param name="sourceHeight">The source height in pixels.</param>
    /// <param name="sourceStride">The distance between source rows, in bytes.</param>
    /// <param name="channels">Bytes per pixel (1 or 3).</param>
    /// <param name="destination">The destination, <c>destinationWidth * destinationHeight * channels</c> bytes, rows packed.</param>
    /// <param name="destinationWidth">The destination width in pixels.</param>
    /// <param name="destinationHeight">The destination height in pixels.</param>
    public static void Resize(
        ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int sourceStride, int channels,
        Span<byte> destination, int destinationWidth, int destinationHeight)
    {
        int rowBytes = destinationWidth * channels;
        if (destination.Length < rowBytes * destinationHeight)
        {
            throw new ArgumentException($"Destination: expected at least {rowBytes * destinationHeight} bytes, found {destination.Length}.", nameof(destination));
        }

        if (sourceWidth == destinationWidth && sourceHeight == destinationHeight)
        {
            for (int y = 0; y < sourceHeight; y++)
            {
                source.Slice(y * sourceStride, rowBytes).CopyTo(destination.Slice(y * rowBytes, rowBytes));
            }

            return;
        }

        int[] xOffsets = ArrayPool<int>.Shared.Rent(destinationWidth);
        short[] xWeights = ArrayPool<short>.Shared.Rent(destinationWidth * 2);
        int[] rowA = ArrayPool<int>.Shared.Rent(rowBytes);
        int[] rowB = ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            ComputeTaps(sourceWidth, destinationWidth, clampX: true, xOffsets, xWeights);
            double scaleY = 1.0 / ((double)destinationHeight / sourceHeight);
            int cachedA = -1, cachedB = -1;
            for (int dy = 0; dy < destinationHeight; dy++)
            {
                float fy = (float)(((dy + 0.5) * scaleY) - 0.5);
                int sy = (int)MathF.Floor(fy);
                fy -= sy;
                short beta0 = RoundToShort((1f - fy) * CoefficientScale);
                short beta1 = RoundToShort(fy * CoefficientScale);
                int y0 = Math.Clamp(sy, 0, sourceHeight - 1);
                int y1 = Math.Clamp(sy + 1, 0, sourceHeight - 1);

                // Horizontal passes are cached per source row, as OpenCV's ring buffer does; the result is the same either way.
                if (y0 == cachedB)
                {
                    (rowA, rowB) = (rowB, rowA);
                    (cachedA, cachedB) = (cachedB, cachedA);
                }

                if (y0 != cachedA)
                {
                    HorizontalPass(source.Slice(y0 * sourceStride), channels, destinationWidth, xOffsets, xWeights, rowA);
                    cachedA = y0;
                }

                if (y1 != cachedB)
                {
                    HorizontalPass(source.Slice(y1 * sourceStride), channels, destinationWidth, xOffsets, xWeights, rowB);
                    cachedB = y1;
                }

                VerticalPass(rowA.AsSpan(0, rowBytes), rowB.AsSpan(0, rowBytes), beta0, beta1, destination.Slice(dy * rowBytes, rowBytes));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(xOffsets);
            ArrayPool<short>.Shared.Return(xWeights);
            ArrayPool<int>.Shared.Return(rowA);
            ArrayPool<int>.Shared.Return(rowB);
        }
    }

    /// <summary>
    /// Resizes a single-channel 8-bit image with OpenCV's bit-exact bilinear resize (<c>INTER_LINEAR_EXACT</c>), which OpenCV 4
    /// uses to build the image pyramid of <c>CascadeClassifier.detectMultiScale</c>: 8-bit fixed-point weights rounded half to
    /// even, a 16-bit horizontal pass and a rounded 16-bit vertical pass; rows and columns past the edges repeat the edge.
    /// </summary>
    /// <param name="source">The source pixels, <paramref name="sourceWidth"/> bytes per row.</param>
    /// <param name="sourceWidth">The source width in pixels.</param>
    /// <param name="sourceHeight">The source height in pixels.</param>
    /// <param name="destination">The destination, <c>destinationWidth * destinationHeight</c> bytes.</param>
    /// <param name="destinationWidth">The destination width in pixels.</param>
    /// <param name="destinationHeight">The destination height in pixels.</param>
    public static void ResizeExact(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int destinationWidth, int destinationHeight)
    {
        if (destination.Length < destinationWidth * destinationHeight)
        {
            throw new ArgumentException($"Destination: expected at least {destinationWidth * destinationHeight} bytes, found {destination.Length}.", nameof(destination));
        }

        if (sourceWidth == destinationWidth && sourceHeight == destinationHeight)
        {
            source[..(sourceWidth * sourceHeight)].CopyTo(destination);
            return;
        }

        int[] xOffsets = ArrayPool<int>.Shared.Rent(destinationWidth);
        ushort[] xWeights = ArrayPool<ushort>.Shared.Rent(destinationWidth);
        ushort[] rowA = ArrayPool<ushort>.Shared.Rent(destinationWidth);
        ushort[] rowB = ArrayPool<ushort>.Shared.Rent(destinationWidth);
        try
        {
            var (minX, maxX) = ComputeExactTaps(sourceWidth, destinationWidth, xOffsets, xWeights);
            double scaleY = 1.0 / ((double)destinationHeight / sourceHeight);
            int cachedA = -1, cachedB = -1;
            for (int dy = 0; dy < destinationHeight; dy++)
            {
                Span<byte> output = destination.Slice(dy * destinationWidth, destinationWidth);
                double fy = (scaleY * (dy + 0.5)) - 0.5;
                int sy = (int)Math.Floor(fy);
                if (sy < 0 || sourceHeight == 1 || sy >= sourceHeight - 1)
                {
                    // Above the first or below the last source row: the edge row, rounded back to 8 bits.
                    int edge = sy < 0 || sourceHeight == 1 ? 0 : sourceHeight - 1;
                    ExactHorizontalPass(source.Slice(edge * sourceWidth, sourceWidth), destinationWidth, minX, maxX, xOffsets, xWeights, rowA);
                    cachedA = -1;
                    for (int x = 0; x < destinationWidth; x++)
                    {
                        output[x] = (byte)((rowA[x] + 128) >> 8);
                    }

                    continue;
                }

                uint beta1 = ToFixed8(fy - sy);
                uint beta0 = 256 - beta1;
                if (sy == cachedB)
                {
                    (rowA, rowB) = (rowB, rowA);
                    (cachedA, cachedB) = (cachedB, cachedA);
                }

                if (sy != cachedA)
                {
                    ExactHorizontalPass(source.Slice(sy * sourceWidth, sourceWidth), destinationWidth, minX, maxX, xOffsets, xWeights, rowA);
                    cachedA = sy;
                }

                if (sy + 1 != cachedB)
                {
                    ExactHorizontalPass(source.Slice((sy + 1) * sourceWidth, sourceWidth), destinationWidth, minX, maxX, xOffsets, xWeights, rowB);
                    cachedB = sy + 1;
                }

                for (int x = 0; x < destinationWidth; x++)
                {
                    uint v = ((rowA[x] * beta0) + (rowB[x] * beta1) + 32768) >> 16;
                    output[x] = (byte)Math.Min(v, 255u);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(xOffsets);
            ArrayPool<ushort>.Shared.Return(xWeights);
            ArrayPool<ushort>.Shared.Return(rowA);
            ArrayPool<ushort>.Shared.Return(rowB);
        }
    }

    private static (int Min, int Max) ComputeExactTaps(int sourceSize, int destinationSize, Span<int> offsets, Span<ushort> weights)
    {
        double scale = 1.0 / ((double)destinationSize / sourceSize);
        int min = 0, max = destinationSize;
        for (int d = 0; d < destinationSize; d++)
        {
            double f = (scale * (d + 0.5)) - 0.5;
            int s = (int)Math.Floor(f);
            if (s >= 0 && sourceSize > 1)
            {
                if (s < sourceSize - 1)
                {
                    offsets[d] = s;
                    weights[d] = (ushort)ToFixed8(f - s);
                }
                else
                {
                    offsets[d] = sourceSize - 1;
                    max = Math.Min(max, d);
                }
            }
            else
            {
                min = Math.Max(min, d + 1);
            }
        }

        return (min, max);
    }

    private static void ExactHorizontalPass(ReadOnlySpan<byte> row, int width, int minX, int maxX, int[] offsets, ushort[] weights, ushort[] output)
    {
        int x = 0;
        for (; x < Math.Min(minX, width); x++)
        {
            output[x] = (ushort)(row[0] << 8);
        }

        for (; x < maxX; x++)
        {
            int s = offsets[x];
            uint a1 = weights[x];
            output[x] = (ushort)(((256 - a1) * row[s]) + (a1 * row[s + 1]));
        }

        if (x < width)
        {
            ushort last = (ushort)(row[offsets[width - 1]] << 8);
            for (; x < width; x++)
            {
                output[x] = last;
            }
        }
    }

    private static uint ToFixed8(double fraction) => (uint)Math.Round(fraction * 256, MidpointRounding.ToEven);

    private static void ComputeTaps(int sourceSize, int destinationSize, bool clampX, Span<int> offsets, Span<short> weights)
    {
        double scale = 1.0 / ((double)destinationSize / sourceSize);
        for (int d = 0; d < destinationSize; d++)
        {
            float f = (float)(((d + 0.5) * scale) - 0.5);
            int s = (int)MathF.Floor(f);
            f -= s;
            if (clampX && s < 0)
            {
                f = 0;
                s = 0;
            }

            if (clampX && s >= sourceSize - 1)
            {
                f = 0;
                s = sourceSize - 1;
            }

            offsets[d] = s;
            weights[2 * d] = RoundToShort((1f - f) * CoefficientScale);
            weights[(2 * d) + 1] = RoundToShort(f * CoefficientScale);
        }
    }

    private static void HorizontalPass(ReadOnlySpan<byte> row, int channels, int width, int[] offsets, short[] weights, int[] output)
    {
        if (channels == 1)
        {
            for (int d = 0; d < width; d++)
            {
                int s = offsets[d];
                int a0 = weights[2 * d], a1 = weights[(2 * d) + 1];
                output[d] = a1 == 0 ? row[s] * a0 : (row[s] * a0) + (row[s + 1] * a1);
            }

            return;
        }

        for (int d = 0; d < width; d++)
        {
            int s = offsets[d] * channels;
            int a0 = weights[2 * d], a1 = weights[(2 * d) + 1];
            int o = d * channels;
            for (int c = 0; c < channels; c++)
            {
                output[o + c] = a1 == 0 ? row[s + c] * a0 : (row[s + c] * a0) + (row[s + channels + c] * a1);
            }
        }
    }

    private static void VerticalPass(ReadOnlySpan<int> a, ReadOnlySpan<int> b, short beta0, short beta1, Span<byte> output)
    {
        for (int x = 0; x < output.Length; x++)
        {
            // OpenCV's SIMD path: drop 4 bits, multiply-high by the 11-bit weights (>> 16), then round off 2 more bits.
            int v = ((((a[x] >> 4) * beta0) >> 16) + (((b[x] >> 4) * beta1) >> 16) + 2) >> 2;
            output[x] = (byte)Math.Clamp(v, 0, 255);
        }
    }

    private static short RoundToShort(float value) => (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);
}
