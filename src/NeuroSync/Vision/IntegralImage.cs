namespace NeuroSync.Vision;

/// <summary>Summed-area tables of an 8-bit image and of its squares, (width + 1) x (height + 1) with a zero first row and column.</summary>
/// <remarks>The squares table is 32-bit and wraps on large images, as OpenCV's does: window sums are differences of four
/// corners, which modular arithmetic keeps exact as long as one window's sum fits in 32 bits.</remarks>
internal static class IntegralImage
{
    /// <summary>Computes both tables with rows <paramref name="stride"/> entries apart, so that several tables can share one
    /// canvas (the Haar pyramid's levels do); only the (width + 1) x (height + 1) entries of this table are written.</summary>
    public static void Compute(ReadOnlySpan<byte> image, int width, int height, Span<int> sum, Span<int> squares, int stride)
    {
        if (stride < width + 1 || sum.Length < (height * stride) + width + 1 || squares.Length < (height * stride) + width + 1)
        {
            throw new ArgumentException($"Integral tables: expected stride >= {width + 1} and {(height * stride) + width + 1} entries, found stride {stride} and {Math.Min(sum.Length, squares.Length)}.");
        }

        sum[..(width + 1)].Clear();
        squares[..(width + 1)].Clear();
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Slice(y * width, width);
            ReadOnlySpan<int> above = sum.Slice(y * stride, width + 1), aboveSq = squares.Slice(y * stride, width + 1);
            Span<int> current = sum.Slice((y + 1) * stride, width + 1), currentSq = squares.Slice((y + 1) * stride, width + 1);
            current[0] = 0;
            currentSq[0] = 0;
            int rowSum = 0, rowSq = 0;
            for (int x = 0; x < row.Length; x++)
            {
                int v = row[x];
                rowSum += v;
                rowSq = unchecked(rowSq + (v * v));
                current[x + 1] = unchecked(above[x + 1] + rowSum);
                currentSq[x + 1] = unchecked(aboveSq[x + 1] + rowSq);
            }
        }
    }
}
