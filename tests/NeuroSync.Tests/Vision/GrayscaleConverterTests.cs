using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using OpenCvSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

public class GrayscaleConverterTests
{
    [Fact]
    public void ToGray_EveryRedGreenPairAtSeveralBlues_EqualsOpenCvBgr2GrayExactly()
    {
        using var image = new SixLabors.ImageSharp.Image<Rgb24>(256, 256 * 8);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < 256; x++)
            {
                image[x, y] = new Rgb24((byte)x, (byte)(y % 256), (byte)((y / 256 * 37) + 3));
            }
        }

        var actual = new byte[image.Width * image.Height];
        GrayscaleConverter.ToGray(image, actual);
        using var bgr = OpenCvInterop.ToMat(OpenCvInterop.ToBgr(image), image.Width, image.Height, 3);
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);

        Assert.Equal(OpenCvInterop.ToBytes(gray), actual); // tolerance: exact
    }

    [Fact]
    public void ToGray_AstronautFrame_EqualsPythonOpenCvReference()
    {
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using var expected = SixLabors.ImageSharp.Image.Load<L8>(TestFiles.Path("Images", "gray", "astronaut_640x480_gray.png"));
        var actual = new byte[image.Width * image.Height];
        GrayscaleConverter.ToGray(image, actual);

        int mismatches = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                mismatches += actual[(y * image.Width) + x] == expected[x, y].PackedValue ? 0 : 1;
            }
        }

        Assert.Equal(0, mismatches); // tolerance: exact
    }

    [Theory]
    [InlineData(640, 3)]
    [InlineData(37, 5)]
    [InlineData(5, 2)]
    [InlineData(4100 * 16, 1)]
    public void AddLumaSums_EqualsTheSumOfLumaAndItsSquare(int width, int height)
    {
        var random = new Random(width + height);
        byte[] rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        long expectedSum = 0, expectedSquares = 0;
        for (int i = 0; i < rgb.Length; i += 3)
        {
            int luma = GrayscaleConverter.Luma(new Rgb24(rgb[i], rgb[i + 1], rgb[i + 2]));
            expectedSum += luma;
            expectedSquares += luma * luma;
        }

        long sum = 0, squares = 0;
        for (int y = 0; y < height; y++)
        {
            GrayscaleConverter.AddLumaSums(rgb.AsSpan(y * width * 3, width * 3), ref sum, ref squares);
        }

        Assert.Equal(expectedSum, sum);
        Assert.Equal(expectedSquares, squares);
    }
}
