using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>Writes YUV4MPEG2 (4:2:0) videos, the format Chromium's fake camera plays in a loop.</summary>
internal static class Y4m
{
    /// <summary>A still image, repeated.</summary>
    public static void WriteStill(string imagePath, string y4mPath, int frames, int framesPerSecond)
    {
        using Image<Rgb24> image = Image.Load<Rgb24>(imagePath);
        Write(y4mPath, image.Width & ~1, image.Height & ~1, framesPerSecond, Enumerable.Repeat(image, frames));
    }

    /// <summary>An image sliding left and right (a sine of <paramref name="amplitude"/> pixels over the whole loop), its
    /// edge columns stretched into the uncovered part: a face that moves, for the live face box.</summary>
    public static void WriteMoving(string imagePath, string y4mPath, int frames, int framesPerSecond, int amplitude)
    {
        using Image<Rgb24> image = Image.Load<Rgb24>(imagePath);
        Write(y4mPath, image.Width & ~1, image.Height & ~1, framesPerSecond, Shifted(image, frames, amplitude));

        static IEnumerable<Image<Rgb24>> Shifted(Image<Rgb24> source, int frames, int amplitude)
        {
            using var frame = new Image<Rgb24>(source.Width, source.Height);
            for (int f = 0; f < frames; f++)
            {
                int dx = (int)Math.Round(amplitude * Math.Sin(2 * Math.PI * f / frames));
                for (int y = 0; y < source.Height; y++)
                {
                    for (int x = 0; x < source.Width; x++)
                    {
                        frame[x, y] = source[Math.Clamp(x - dx, 0, source.Width - 1), y];
                    }
                }

                yield return frame;
            }
        }
    }

    private static void Write(string y4mPath, int w, int h, int framesPerSecond, IEnumerable<Image<Rgb24>> frames)
    {
        byte[] y = new byte[w * h];
        byte[] u = new byte[w * h / 4];
        byte[] v = new byte[w * h / 4];
        using FileStream file = File.Create(y4mPath);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{w} H{h} F{framesPerSecond}:1 Ip A1:1 C420jpeg\n"));
        foreach (Image<Rgb24> image in frames)
        {
            ToYuv420(image, w, h, y, u, v);
            file.Write("FRAME\n"u8);
            file.Write(y);
            file.Write(u);
            file.Write(v);
        }
    }

    // BT.601 full range, chroma averaged over each 2x2 block (C420jpeg: chroma sited between the luma samples).
    private static void ToYuv420(Image<Rgb24> image, int w, int h, byte[] y, byte[] u, byte[] v)
    {
        for (int row = 0; row < h; row++)
        {
            for (int col = 0; col < w; col++)
            {
                Rgb24 p = image[col, row];
                y[(row * w) + col] = Clamp((0.299 * p.R) + (0.587 * p.G) + (0.114 * p.B));
            }
        }

        for (int row = 0; row < h; row += 2)
        {
            for (int col = 0; col < w; col += 2)
            {
                double cb = 0, cr = 0;
                for (int dy = 0; dy < 2; dy++)
                {
                    for (int dx = 0; dx < 2; dx++)
                    {
                        Rgb24 p = image[col + dx, row + dy];
                        cb += 128 - (0.168736 * p.R) - (0.331264 * p.G) + (0.5 * p.B);
                        cr += 128 + (0.5 * p.R) - (0.418688 * p.G) - (0.081312 * p.B);
                    }
                }

                int i = ((row / 2) * (w / 2)) + (col / 2);
                u[i] = Clamp(cb / 4);
                v[i] = Clamp(cr / 4);
            }
        }
    }

    private static byte Clamp(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
