using NeuroSync.Vision;

namespace NeuroSync.Tests.Vision.Haar;

public class IntegralImageTests
{
    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(7, 5, 8)]
    [InlineData(8, 3, 13)]
    [InlineData(33, 17, 34)]
    public void Compute_PlainAndSplitLayouts_EqualNaiveSums(int width, int height, int stride)
    {
        var random = new Random(width * 1000 + height);
        byte[] image = new byte[width * height];
        random.NextBytes(image);
        int length = (height + 1) * stride;

        int[] sum = new int[length], squares = new int[length];
        int[] splitSum = new int[length], splitSquares = new int[length];
        var plain = new HaarTableLayout(stride, Split: false);
        var split = new HaarTableLayout(stride, Split: true);
        IntegralImage.Compute(image, width, height, sum, squares, plain);
        IntegralImage.Compute(image, width, height, splitSum, splitSquares, split);
        for (int y = 0; y <= height; y++)
        {
            for (int x = 0; x <= width; x++)
            {
                (int s, int q) = Naive(image, width, x, y);
                Assert.Equal((s, q), (sum[plain.Offset(x, y)], squares[plain.Offset(x, y)])); // tolerance: exact
                Assert.Equal((s, q), (splitSum[split.Offset(x, y)], splitSquares[split.Offset(x, y)])); // tolerance: exact
            }
        }
    }

    private static (int Sum, int Squares) Naive(byte[] image, int width, int x, int y)
    {
        int sum = 0, squares = 0;
        for (int j = 0; j < y; j++)
        {
            for (int i = 0; i < x; i++)
            {
                int v = image[(j * width) + i];
                sum += v;
                squares += v * v;
            }
        }

        return (sum, squares);
    }
}
