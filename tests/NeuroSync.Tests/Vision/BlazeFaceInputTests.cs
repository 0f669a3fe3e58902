using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

public class BlazeFaceInputTests
{
    /// <summary>The squares the detector builds for a 640x480 frame (the whole frame, the close-up canvas, the two tiles at
    /// zoom 1.33 and 2) and for a portrait frame and a small frame that is enlarged.</summary>
    public static TheoryData<int, int, int, int, int> Squares => new()
    {
        { 640, 480, 640, 0, 80 },      // the whole frame, letterboxed
        { 640, 480, 1920, 640, 720 },  // the close-up search: a margin of one side all round
        { 640, 480, 481, 0, 0 },       // tile at x 0 (zoom 1.33)
        { 640, 480, 481, -159, 0 },    // tile at x 159
        { 640, 480, 320, -320, -160 }, // tile at (320, 160) (zoom 2)
        { 480, 640, 640, 80, 0 },      // a portrait frame
        { 100, 70, 100, 0, 15 },       // smaller than the input: enlarged
    };

    [Theory]
    [MemberData(nameof(Squares))]
    public void Write_EqualsThePerPixelFormula(int width, int height, int side, int left, int top)
    {
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using Image<Rgb24> frame = width == 640 && height == 480 ? photo.Clone() : Noise(width, height);
        const int size = 256;
        var expected = new float[size * size * 3];
        var actual = new float[size * size * 3];

        Naive(frame, side, left, top, size, expected);
        BlazeFaceInput.Write(frame, side, left, top, size, actual);

        Assert.Equal(expected, actual); // tolerance: exact (the same float operations in the same order)
    }

    private static Image<Rgb24> Noise(int width, int height)
    {
        var random = new Random(width * height);
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            }
        }

        return image;
    }

    /// <summary>The naive twin: TensorFlow's <c>resizeBilinear</c> of the square, one output pixel at a time, as the
    /// detector computed it before the separable version.</summary>
    private static void Naive(Image<Rgb24> image, int side, int left, int top, int size, float[] destination)
    {
        float scale = (float)side / size;
        for (int y = 0; y < size; y++)
        {
            float sy = y * scale;
            int y0 = (int)sy;
            float fy = sy - y0;
            int upper = y0 - top, lower = Math.Min(y0 + 1, side - 1) - top;
            for (int x = 0; x < size; x++)
            {
                float sx = x * scale;
                int x0 = (int)sx;
                float fx = sx - x0;
                int l = x0 - left, r = Math.Min(x0 + 1, side - 1) - left;
                Rgb24 tl = Pixel(l, upper), tr = Pixel(r, upper), bl = Pixel(l, lower), br = Pixel(r, lower);
                int at = 3 * ((y * size) + x);
                destination[at] = Lerp(tl.R, tr.R, bl.R, br.R, fx, fy);
                destination[at + 1] = Lerp(tl.G, tr.G, bl.G, br.G, fx, fy);
                destination[at + 2] = Lerp(tl.B, tr.B, bl.B, br.B, fx, fy);
            }
        }

        Rgb24 Pixel(int x, int y) => (uint)x < (uint)image.Width && (uint)y < (uint)image.Height ? image[x, y] : default;

        static float Lerp(byte tl, byte tr, byte bl, byte br, float wx, float wy)
        {
            float upper = tl + ((tr - tl) * wx);
            float lower = bl + ((br - bl) * wx);
            return ((upper + ((lower - upper) * wy)) / 127.5f) - 1f;
        }
    }
}
