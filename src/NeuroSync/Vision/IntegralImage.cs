namespace NeuroSync.Vision;

/// <summary>Summed-area tables of an 8-bit image and of its squares, (width + 1) x (height + 1) with a zero first row and column.</summary>
/// <remarks>The squares table is 32-bit and wraps on large images, as OpenCV's does: window sums are differences of four
/// corners, which modular arithmetic keeps exact as long as one window's sum fits in 32 bits.</remarks>
internal static class IntegralImage
{
    public static void Compute(ReadOnlySpan<byte> image, int width, int height, Span<int> sum, Span<int> squares)
    {
        int stride = width + 1;
        sum[..stride].Clear();
        squares[..stride].Clear();
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Slice(y * width, width);
            Span<int> above = sum.Slice(y * stride, stride), current = sum.Slice((y + 1) * stride, stride);
            Span<int> aboveSq = squares.Slice(y * stride, stride), currentSq = squares.Slice((y + 1) * stride, stride);
            current[0] = 0;
            currentSq[0] = 0;
            int rowSum = 0, rowSq = 0;
            for (int x = 0; x < width; x++)
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
