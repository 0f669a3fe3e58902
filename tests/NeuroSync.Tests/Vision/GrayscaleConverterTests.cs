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
}
