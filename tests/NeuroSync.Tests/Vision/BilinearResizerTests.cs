using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using OpenCvSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

public class BilinearResizerTests
{
    public static TheoryData<int, int, int, int, int> Sizes => new()
    {
        { 97, 61, 224, 224, 3 },
        { 640, 480, 224, 224, 3 },
        { 448, 448, 224, 224, 3 },
        { 54, 54, 224, 224, 3 },
        { 1, 1, 224, 224, 3 },
        { 300, 200, 271, 181, 1 },
        { 640, 480, 582, 436, 1 },
        { 17, 3, 5, 40, 1 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Resize_RandomImage_EqualsOpenCvInterLinearExactly(int sw, int sh, int dw, int dh, int channels)
    {
        byte[] source = RandomBytes(sw * sh * channels, seed: sw * 31 + dw);
        using var src = OpenCvInterop.ToMat(source, sw, sh, channels);
        using var expectedMat = new Mat();
        Cv2.Resize(src, expectedMat, new Size(dw, dh), 0, 0, InterpolationFlags.Linear);

        var actual = new byte[dw * dh * channels];
        BilinearResizer.Resize(source, sw, sh, sw * channels, channels, actual, dw, dh);

        Assert.Equal(OpenCvInterop.ToBytes(expectedMat), actual); // tolerance: exact
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ResizeExact_RandomGrayImage_EqualsOpenCvInterLinearExactExactly(int sw, int sh, int dw, int dh, int channels)
    {
        _ = channels;
        byte[] source = RandomBytes(sw * sh, seed: sh * 7 + dh);
        using var src = OpenCvInterop.ToMat(source, sw, sh, 1);
        using var expectedMat = new Mat();
        Cv2.Resize(src, expectedMat, new Size(dw, dh), 0, 0, InterpolationFlags.LinearExact);

        var actual = new byte[dw * dh];
        BilinearResizer.ResizeExact(source, sw, sh, actual, dw, dh);

        Assert.Equal(OpenCvInterop.ToBytes(expectedMat), actual); // tolerance: exact
    }

    [Fact]
    public void Resize_PythonOpenCvReferenceCases_MatchWithinTwoLevels()
    {
        var reference = ReferenceJson.Read<ResizeReference>("Images", "resize", "resize.json");
        Assert.NotEmpty(reference.Cases);
        foreach (var c in reference.Cases)
        {
            using var input = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", c.Input));
            using var expected = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", c.Output));
            byte[] source = OpenCvInterop.ToBgr(input);
            byte[] expectedBytes = OpenCvInterop.ToBgr(expected);
            var actual = new byte[c.OutputWidth * c.OutputHeight * 3];
            BilinearResizer.Resize(source, c.InputWidth, c.InputHeight, c.InputWidth * 3, 3, actual, c.OutputWidth, c.OutputHeight);

            int worst = actual.Zip(expectedBytes, (a, e) => Math.Abs(a - e)).Max();
            Assert.True(worst <= Tolerances.CropPixelLevels, $"{c.Input}: max difference {worst} levels, tolerance {Tolerances.CropPixelLevels}");
        }
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
