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

    /// <summary>Computes both tables like <see cref="Compute"/>, but with each row's even columns first and its odd columns from
    /// <see cref="HaarTableLayout.Half"/> on (see <see cref="HaarTableLayout"/>); the row then spans the whole stride.</summary>
    public static void ComputeSplit(ReadOnlySpan<byte> image, int width, int height, Span<int> sum, Span<int> squares, int stride)
    {
        var layout = new HaarTableLayout(stride, Split: true);
        int half = layout.Half;
        if (stride < width + 1 || half + ((width + 1) / 2) > stride || sum.Length < (height + 1) * stride || squares.Length < (height + 1) * stride)
        {
            throw new ArgumentException($"Split integral tables: expected stride >= {width + 1} and {(height + 1) * stride} entries, found stride {stride} and {Math.Min(sum.Length, squares.Length)}.");
        }

        sum[..stride].Clear();
        squares[..stride].Clear();
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Slice(y * width, width);
            ReadOnlySpan<int> above = sum.Slice(y * stride, stride), aboveSq = squares.Slice(y * stride, stride);
            Span<int> current = sum.Slice((y + 1) * stride, stride), currentSq = squares.Slice((y + 1) * stride, stride);
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
