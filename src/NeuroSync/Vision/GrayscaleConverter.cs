using System.Runtime.Intrinsics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>8-bit luma with the fixed-point weights of OpenCV's <c>cvtColor(COLOR_BGR2GRAY)</c> (0.299 R + 0.587 G + 0.114 B in 15-bit fixed point,
/// the weights of OpenCV 4; checked bit-exact against it on every 24-bit colour)..</summary>
internal static class GrayscaleConverter
{
    private const int Shift = 15;
    private const int RedWeight = 9798;
    private const int GreenWeight = 19235;
    private const int BlueWeight = 3735;

    public static byte Luma(Rgb24 p) => (byte)(((p.R * RedWeight) + (p.G * GreenWeight) + (p.B * BlueWeight) + (1 << (Shift - 1))) >> Shift);

    public static void ToGray(Image<Rgb24> image, Span<byte> destination)
    {
        int width = image.Width;
        if (destination.Length < width * image.Height)
        {
            throw new ArgumentException($"Destination: expected at least {width * image.Height} bytes, found {destination.Length}.", nameof(destination));
        }

        // ProcessPixelRows takes a delegate that cannot capture a span, so rows are copied out one at a time.
        for (int y = 0; y < image.Height; y++)
        {
            Span<Rgb24> row = image.DangerousGetPixelRowMemory(y).Span;
            Span<byte> output = destination.Slice(y * width, width);
            for (int x = 0; x < row.Length; x++)
            {
                output[x] = Luma(row[x]);
            }
        }
    }

    // Byte positions of R, G and B among 16 RGB pixels (48 bytes, three vectors), for Vector128.Shuffle: each mask takes
    // its channel's bytes from one of the three vectors into their pixel positions; 0xFF selects zero. Static readonly
    // fields (not an array), so the JIT sees constants and emits a single byte shuffle for each.
    private static readonly Vector128<byte> RedFromA = Vector128.Create((byte)0, 3, 6, 9, 12, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> RedFromB = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 5, 8, 11, 14, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> RedFromC = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 4, 7, 10, 13);
    private static readonly Vector128<byte> GreenFromA = Vector128.Create((byte)1, 4, 7, 10, 13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> GreenFromB = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 3, 6, 9, 12, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> GreenFromC = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 5, 8, 11, 14);
    private static readonly Vector128<byte> BlueFromA = Vector128.Create((byte)2, 5, 8, 11, 14, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> BlueFromB = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 4, 7, 10, 13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    private static readonly Vector128<byte> BlueFromC = Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 3, 6, 9, 12, 15);

    /// <summary>Adds up the luma, and its square, of every pixel of a row of RGB bytes: the same values as <see cref="Luma"/>.</summary>
    /// <remarks>Sixteen pixels at a time: the lighting probe reads every pixel of every sampled frame, and scalar code made
    /// it most of the video front-end's time when a face was found.</remarks>
    public static void AddLumaSums(ReadOnlySpan<byte> rgb, ref long sum, ref long squares)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var sumLanes = Vector128<uint>.Zero;
            var squareLanes = Vector128<uint>.Zero;

            // Each lane gains at most 4 * 255^2 per iteration, so 4096 iterations stay far inside uint.
            int sinceFlush = 0;
            for (; i + 48 <= rgb.Length; i += 48)
            {
                Vector128<byte> a = Vector128.Create(rgb.Slice(i, 16));
                Vector128<byte> b = Vector128.Create(rgb.Slice(i + 16, 16));
                Vector128<byte> c = Vector128.Create(rgb.Slice(i + 32, 16));
                Vector128<byte> red = Vector128.Shuffle(a, RedFromA) | Vector128.Shuffle(b, RedFromB) | Vector128.Shuffle(c, RedFromC);
                Vector128<byte> green = Vector128.Shuffle(a, GreenFromA) | Vector128.Shuffle(b, GreenFromB) | Vector128.Shuffle(c, GreenFromC);
                Vector128<byte> blue = Vector128.Shuffle(a, BlueFromA) | Vector128.Shuffle(b, BlueFromB) | Vector128.Shuffle(c, BlueFromC);
                (Vector128<ushort> redLow, Vector128<ushort> redHigh) = Vector128.Widen(red);
                (Vector128<ushort> greenLow, Vector128<ushort> greenHigh) = Vector128.Widen(green);
                (Vector128<ushort> blueLow, Vector128<ushort> blueHigh) = Vector128.Widen(blue);
                Accumulate(redLow, greenLow, blueLow, ref sumLanes, ref squareLanes);
                Accumulate(redHigh, greenHigh, blueHigh, ref sumLanes, ref squareLanes);
                if (++sinceFlush == 4096)
                {
                    Flush(ref sumLanes, ref squareLanes, ref sum, ref squares);
                    sinceFlush = 0;
                }
            }

            Flush(ref sumLanes, ref squareLanes, ref sum, ref squares);
        }

        for (; i + 3 <= rgb.Length; i += 3)
        {
            int luma = Luma(new Rgb24(rgb[i], rgb[i + 1], rgb[i + 2]));
            sum += luma;
            squares += luma * luma;
        }
    }

    private static void Accumulate(Vector128<ushort> red, Vector128<ushort> green, Vector128<ushort> blue, ref Vector128<uint> sum, ref Vector128<uint> squares)
    {
        (Vector128<uint> r0, Vector128<uint> r1) = Vector128.Widen(red);
        (Vector128<uint> g0, Vector128<uint> g1) = Vector128.Widen(green);
        (Vector128<uint> b0, Vector128<uint> b1) = Vector128.Widen(blue);
        Vector128<uint> luma0 = ((r0 * RedWeight) + (g0 * GreenWeight) + (b0 * BlueWeight) + Vector128.Create(1u << (Shift - 1))) >>> Shift;
        Vector128<uint> luma1 = ((r1 * RedWeight) + (g1 * GreenWeight) + (b1 * BlueWeight) + Vector128.Create(1u << (Shift - 1))) >>> Shift;
        sum += luma0 + luma1;
        squares += (luma0 * luma0) + (luma1 * luma1);
    }

    private static void Flush(ref Vector128<uint> sumLanes, ref Vector128<uint> squareLanes, ref long sum, ref long squares)
    {
        for (int lane = 0; lane < Vector128<uint>.Count; lane++)
        {
            sum += sumLanes[lane];
            squares += squareLanes[lane];
        }

        sumLanes = Vector128<uint>.Zero;
        squareLanes = Vector128<uint>.Zero;
    }
}
