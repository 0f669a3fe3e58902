using System.Buffers.Binary;
using System.IO.Compression;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

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
