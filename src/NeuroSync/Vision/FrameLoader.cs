using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>
/// Decodes untrusted image files (PNG, JPEG, BMP, GIF, TGA, ...) into frames, safely: the header is read first and images
/// over <see cref="MaxPixels"/> are refused before any pixel buffer exists, a PNG must be complete (every chunk up to
/// <c>IEND</c>), a JPEG too (its end-of-image marker after the scan data), and decoding runs with its own memory limit.
/// </summary>
/// <remarks>Thread-safe. Uses its own ImageSharp configuration, never the process-wide default.</remarks>
public sealed class FrameLoader
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly Configuration _configuration;

    /// <summary>Creates a loader.</summary>
    /// <param name="maxPixels">The most pixels (width x height) an image may have. Default 40 million (larger than 8K UHD).</param>
    /// <param name="memoryLimitMegabytes">The most memory one decode may allocate. Default 512 MB.</param>
    public FrameLoader(long maxPixels = 40_000_000, int memoryLimitMegabytes = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLimitMegabytes, 1);
        MaxPixels = maxPixels;
        _configuration = Configuration.Default.Clone();
        _configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = memoryLimitMegabytes });
    }

    /// <summary>Gets the most pixels an image may have.</summary>
    public long MaxPixels { get; }

    /// <summary>Decodes an image file.</summary>
    /// <param name="path">The path of the file.</param>
    /// <returns>The image, which the caller disposes.</returns>
    /// <exception cref="InvalidImageException">The file is not a supported image, is corrupt, or is too large.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public Image<Rgb24> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Load(stream, Path.GetFileName(path));
    }

    /// <summary>Decodes an image from a stream.</summary>
    /// <param name="stream">The encoded image; read, not disposed. A non-seekable stream is buffered in memory first.</param>
    /// <returns>The image, which the caller disposes.</returns>
    /// <exception cref="InvalidImageException">The data is not a supported image, is corrupt, or is too large.</exception>
    public Image<Rgb24> Load(Stream stream) => Load(stream, "image");

    private Image<Rgb24> Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Stream seekable = stream;
        if (!stream.CanSeek)
        {
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            seekable = buffer;
        }

        try
        {
            long start = seekable.Position;
            IImageInfo? info = Image.Identify(_configuration, seekable)
                ?? throw new InvalidImageException($"Image '{name}': expected a PNG, JPEG, BMP, GIF, TGA, PBM, TIFF or WebP file, found an unknown format.");
            long pixels = (long)info.Width * info.Height;
            if (info.Width <= 0 || info.Height <= 0 || pixels > MaxPixels)
            {
                throw new InvalidImageException($"Image '{name}': expected at most {MaxPixels} pixels, found {info.Width}x{info.Height} ({pixels}).");
            }

            seekable.Position = start;
            RequireCompletePng(seekable, name);
            seekable.Position = start;
            RequireCompleteJpeg(seekable, name);
            seekable.Position = start;
            return Image.Load<Rgb24>(_configuration, seekable);
        }
        // ImageSharp 2.1's decoders also fail on some corrupt headers with exceptions that are not its format exceptions
        // (a null reference, an index or argument out of range, a division by zero, an invalid operation: TestData/Images/Corrupt);
        // everything in this block that throws them is the decoder reading the caller's bytes.
        catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException or ImageFormatException
            or InvalidMemoryOperationException or NotSupportedException or EndOfStreamException
            or NullReferenceException or ArgumentException or IndexOutOfRangeException or DivideByZeroException or InvalidOperationException
            or OverflowException)
        {
            throw new InvalidImageException($"Image '{name}': expected a valid image, found unreadable data ({ex.Message}).", ex);
        }
        finally
        {
            if (!ReferenceEquals(seekable, stream))
            {
                seekable.Dispose();
            }
        }
    }

    /// <summary>Walks a JPEG's marker segments up to the first scan, then looks for the end-of-image marker (<c>FF D9</c>) in
    /// what follows. ImageSharp 2.1 decodes a JPEG cut inside its scan data without an error, the missing blocks grey, and
    /// a camera frame cut short on a socket is exactly that. Inside scan data a 0xFF byte is always followed by 0x00 or a
    /// restart marker, so the first <c>FF D9</c> there is the real end; the segments before the scan are skipped by their
    /// lengths because an EXIF thumbnail holds an end marker of its own. Bytes after the end marker are allowed.</summary>
    private static void RequireCompleteJpeg(Stream stream, string name)
    {
        long start = stream.Position, length = stream.Length;
        Span<byte> marker = stackalloc byte[4];
        if (stream.ReadAtLeast(marker[..2], 2, throwOnEndOfStream: false) < 2 || marker[0] != 0xFF || marker[1] != 0xD8)
        {
            return;
        }

        while (true)
        {
            if (stream.ReadAtLeast(marker, 4, throwOnEndOfStream: false) < 4 || marker[0] != 0xFF)
            {
                throw new InvalidImageException($"Image '{name}': expected a complete JPEG, found one that ends or breaks before its image data ({length - start} bytes).");
            }

            if (marker[1] == 0xFF)
            {
                // A fill byte before the marker: read again from the next byte.
                stream.Position -= 3;
                continue;
            }

            long next = stream.Position - 2 + BinaryPrimitives.ReadUInt16BigEndian(marker[2..]);
            if (marker[1] == 0xDA)
            {
                stream.Position = next;
                break;
            }

            stream.Position = next;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            bool afterFF = false;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(0, read);
                if (afterFF && data[0] == 0xD9)
                {
                    return;
                }

                for (int at = data.IndexOf((byte)0xFF); at >= 0 && at + 1 < data.Length; at = data.IndexOf((byte)0xFF))
                {
                    if (data[at + 1] == 0xD9)
                    {
                        return;
                    }

                    data = data[(at + 1)..];
                }

                afterFF = buffer[read - 1] == 0xFF;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        throw new InvalidImageException($"Image '{name}': expected a complete JPEG, found one cut short inside its image data, without an end-of-image marker ({length - start} bytes).");
    }

    /// <summary>Walks a PNG's chunks (length, type, data, CRC) up to <c>IEND</c> without reading their data. ImageSharp 2.1
    /// decodes a PNG cut inside its pixel data without an error, the missing rows black, so a broken upload would be judged
    /// as a partly black frame instead of refused. Other formats pass unchecked.</summary>
    private static void RequireCompletePng(Stream stream, string name)
    {
        long start = stream.Position, length = stream.Length;
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.SequenceEqual(PngSignature))
        {
            return;
        }

        long position = start + header.Length;
        string previous = "the signature";
        while (true)
        {
            stream.Position = position;
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                throw new InvalidImageException($"Image '{name}': expected a complete PNG, found one that ends after {previous} without an IEND chunk ({length - start} bytes).");
            }

            string type = Encoding.ASCII.GetString(header[4..]);
            long end = position + 12 + BinaryPrimitives.ReadUInt32BigEndian(header);
            if (end > length)
            {
                throw new InvalidImageException($"Image '{name}': expected a complete PNG, found one cut short inside its {type} chunk ({length - start} bytes; the chunk ends at byte {end - start}).");
            }

            if (type == "IEND")
            {
                return;
            }

            previous = $"its {type} chunk";
            position = end;
        }
    }
}
