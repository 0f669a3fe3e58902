using OpenCvSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.TestUtilities;

/// <summary>Moves pixels between ImageSharp/byte arrays and OpenCV (the independent reference; tests only).</summary>
internal static class OpenCvInterop
{
    public static Mat ToMat(byte[] interleaved, int width, int height, int channels)
    {
        using var flat = new Mat(height, width * channels, MatType.CV_8UC1);
        flat.SetArray(interleaved);
        return flat.Reshape(channels).Clone();
    }

    public static byte[] ToBytes(Mat mat)
    {
        using var continuous = mat.IsContinuous() ? mat.Clone() : mat.Clone();
        using var flat = continuous.Reshape(1);
        flat.GetArray(out byte[] bytes);
        return bytes;
    }

    public static byte[] ToBgr(SixLabors.ImageSharp.Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        for (int y = 0; y < image.Height; y++)
        {
            Span<Rgb24> row = image.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < row.Length; x++)
            {
                int o = ((y * image.Width) + x) * 3;
                bytes[o] = row[x].B;
                bytes[o + 1] = row[x].G;
                bytes[o + 2] = row[x].R;
            }
        }

        return bytes;
    }
}
