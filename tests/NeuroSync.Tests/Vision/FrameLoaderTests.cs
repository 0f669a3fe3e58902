using System.Buffers.Binary;
using System.IO.Compression;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

public class FrameLoaderTests
{
    [Fact]
    public void Load_CommittedPng_DecodesPixels()
    {
        using var image = new FrameLoader().Load(TestFiles.Path("Images", "astronaut_640x480.png"));
        Assert.Equal((640, 480), (image.Width, image.Height));
    }

    [Fact]
    public void Load_HeaderClaimingHugeDimensions_IsRefusedBeforeDecoding()
    {
        byte[] bomb = PngHeaderOnly(100_000, 100_000);
        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(bomb)));
        Assert.Contains("100000x100000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void Load_NotAnImage_ThrowsInvalidImageException(byte[] data)
    {
        Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(data)));
    }

    [Fact]
    public void Load_PngCutBeforeItsPixelData_ThrowsInvalidImageException()
    {
        byte[] png = File.ReadAllBytes(TestFiles.Path("Images", "astronaut_640x480.png"));
        Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(png[..40])));
    }

    [Fact]
    public void Load_PngCutInsideItsPixelData_ThrowsInvalidImageExceptionNamingTheChunk()
    {
        // ImageSharp 2.1 alone decodes this into a frame whose lower rows are black.
        byte[] png = File.ReadAllBytes(TestFiles.Path("Images", "astronaut_640x480.png"));

        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(png[..(png.Length * 6 / 10)])));

        Assert.Contains("cut short inside its IDAT chunk", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PngWithoutItsIendChunk_ThrowsInvalidImageException()
    {
        byte[] png = File.ReadAllBytes(TestFiles.Path("Images", "astronaut_640x480.png"));
        Assert.Equal("IEND"u8.ToArray(), png[^8..^4]); // the last chunk: length 0, type, CRC

        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new NonSeekableStream(png[..^12])));

        Assert.Contains("without an IEND chunk", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 6)]
    [InlineData(false, 99)] // only the end-of-image marker's last byte missing
    public void Load_JpegCutInsideItsScanData_ThrowsInvalidImageExceptionNamingTheEndMarker(bool progressive, int tenthsKept)
    {
        // ImageSharp 2.1 alone decodes a cut JPEG into a frame whose missing blocks are grey.
        byte[] jpeg = OpenCvJpeg(progressive);
        int kept = tenthsKept == 99 ? jpeg.Length - 1 : jpeg.Length * tenthsKept / 10;

        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(jpeg[..kept])));

        Assert.Contains("without an end-of-image marker", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_CompleteJpeg_DecodesWithOrWithoutBytesAfterItsEnd(bool progressive)
    {
        byte[] jpeg = OpenCvJpeg(progressive);
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);

        using var image = new FrameLoader().Load(new MemoryStream(jpeg));
        using var padded = new FrameLoader().Load(new NonSeekableStream([.. jpeg, 0, 0, 0xFF, 0xD8]));

        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.Equal(Pixels(image), Pixels(padded)); // tolerance: exact (the same bytes up to the end marker)
    }

    [Fact]
    public void Load_NonSeekableStream_Works()
    {
        byte[] png = File.ReadAllBytes(TestFiles.Path("Images", "astronaut_512.png"));
        using var image = new FrameLoader().Load(new NonSeekableStream(png));
        Assert.Equal(512, image.Width);
    }

    [Fact]
    public void Load_ImageOverPixelLimit_IsRefused()
    {
        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader(maxPixels: 1000).Load(TestFiles.Path("Images", "astronaut_512.png")));
        Assert.Contains("at most 1000 pixels", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bmp_DivideByZeroException.bin")]
    [InlineData("bmp_InvalidOperationException.bin")]
    [InlineData("bmp_NullReferenceException.bin")]
    [InlineData("identify_NullReferenceException.bin")]
    [InlineData("jpg_ArgumentOutOfRangeException.bin")]
    [InlineData("jpg_NullReferenceException.bin")]
    [InlineData("png_ArgumentOutOfRangeException.bin")]
    [InlineData("tiff_ArgumentOutOfRangeException.bin")]
    [InlineData("tiff_InvalidOperationException.bin")]
    [InlineData("webp_ArgumentOutOfRangeException.bin")]
    [InlineData("webp_NullReferenceException.bin")]
    public void Load_ImageOnWhichTheDecoderItselfFails_ThrowsInvalidImageException(string file)
    {
        byte[] data = File.ReadAllBytes(TestFiles.Path("Images", "Corrupt", file));

        var ex = Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(data)));

        Assert.StartsWith("Image '", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void Load_JpegWithAScanAndNoFrameHeader_ThrowsInvalidImageException()
    {
        // SOI, a start of scan without the frame header (SOF) it needs, EOI: ImageSharp 2.1 meets a null reference.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xFF, 0xD9];

        Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(jpeg)));
    }

    [Fact]
    public void Load_PngWithAnEmptyPhysChunk_ThrowsInvalidImageException()
    {
        // A pHYs chunk of length 0 (its CRC right) after IHDR: ImageSharp 2.1 reads past the chunk's end.
        byte[] png = File.ReadAllBytes(TestFiles.Path("Images", "astronaut_512.png"));
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        byte[] phys = [0, 0, 0, 0, (byte)'p', (byte)'H', (byte)'Y', (byte)'s', 0x96, 0x87, 0x65, 0x63];
        byte[] broken = [.. png[..afterIhdr], .. phys, .. png[afterIhdr..]];

        Assert.Throws<InvalidImageException>(() => new FrameLoader().Load(new MemoryStream(broken)));
    }

    /// <summary>The astronaut frame encoded by OpenCV's libjpeg (an encoder other than ImageSharp's), baseline or progressive.</summary>
    private static byte[] OpenCvJpeg(bool progressive)
    {
        using Mat bgr = Cv2.ImRead(TestFiles.Path("Images", "astronaut_640x480.png"));
        Cv2.ImEncode(".jpg", bgr, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegProgressive, progressive ? 1 : 0));
        return jpeg;
    }

    private static Rgb24[] Pixels(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    /// <summary>A valid PNG signature and IHDR for the given size, followed by a tiny IDAT and IEND.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        WriteChunk(output, "IHDR", ihdr);
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(new byte[64]);
        }

        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32([.. typeBytes, .. data]));
        output.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
