namespace NeuroSync.Vision;

/// <summary>Summed-area tables of an 8-bit image and of its squares, (width + 1) x (height + 1) with a zero first row and column.</summary>
/// <remarks>The squares table is 32-bit and wraps on large images, as OpenCV's does: window sums are differences of four
/// corners, which modular arithmetic keeps exact as long as one window's sum fits in 32 bits.</remarks>
internal static class IntegralImage
{
    /// <summary>Computes both tables in <paramref name="layout"/>: rows <see cref="HaarTableLayout.Stride"/> entries apart, so
    /// that several tables can share one canvas (the Haar pyramid's levels do), and, in a split layout, each row's even columns
    /// first and its odd columns from <see cref="HaarTableLayout.Half"/> on. A plain table writes only its (width + 1) x
    /// (height + 1) entries; a split row spans the whole stride.</summary>
    public static void Compute(ReadOnlySpan<byte> image, int width, int height, Span<int> sum, Span<int> squares, HaarTableLayout layout)
    {
        int stride = layout.Stride;
        int rowSpan = layout.Split ? stride : width + 1;
        if (stride < width + 1 || (layout.Split && layout.Half + ((width + 1) / 2) > stride)
            || sum.Length < (height * stride) + rowSpan || squares.Length < (height * stride) + rowSpan)
        {
            throw new ArgumentException($"Integral tables: expected stride >= {width + 1} and {(height * stride) + rowSpan} entries, found stride {stride} and {Math.Min(sum.Length, squares.Length)}.");
        }

        sum[..rowSpan].Clear();
        squares[..rowSpan].Clear();
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Slice(y * width, width);
            ReadOnlySpan<int> above = sum.Slice(y * stride, rowSpan), aboveSq = squares.Slice(y * stride, rowSpan);
            Span<int> current = sum.Slice((y + 1) * stride, rowSpan), currentSq = squares.Slice((y + 1) * stride, rowSpan);
            current[0] = 0;
            currentSq[0] = 0;
            int rowSum = 0, rowSq = 0;
            for (int x = 0; x < row.Length; x++)
            {
                int v = row[x];
                rowSum += v;
                rowSq = unchecked(rowSq + (v * v));
                int column = layout.Column(x + 1);
                current[column] = unchecked(above[column] + rowSum);
                currentSq[column] = unchecked(aboveSq[column] + rowSq);
            }
        }
    }
}
