using System.Buffers.Binary;

namespace NeuroSync.Cli;

/// <summary>Writes mono 32-bit IEEE float WAV files (format tag 3, with the <c>fact</c> chunk the format calls for).</summary>
/// <remarks>Float keeps the samples exactly as NeuroSync computed them; every common audio tool reads it.</remarks>
internal static class WavWriter
{
    private const int HeaderBytes = 58;

    /// <summary>Writes a mono float WAV file, replacing any file at the path.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="samples">The samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">The sample rate in hertz.</param>
    public static void WriteMonoFloat(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteMonoFloat(stream, samples, sampleRate);
    }

    /// <summary>Writes a mono float WAV stream.</summary>
    /// <param name="stream">The stream to write to; not disposed.</param>
    /// <param name="samples">The samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">The sample rate in hertz.</param>
    public static void WriteMonoFloat(Stream stream, ReadOnlySpan<float> samples, int sampleRate)
    {
        const int bytesPerSample = 4;
        long dataBytes = (long)samples.Length * bytesPerSample;
        if (HeaderBytes - 8 + dataBytes > uint.MaxValue)
        {
            throw new ArgumentException($"WAV data: expected at most 4 GiB, found {dataBytes} bytes.", nameof(samples));
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(HeaderBytes - 8 + dataBytes));
        "WAVE"u8.CopyTo(header[8..]);

        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 18);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 3); // WAVE_FORMAT_IEEE_FLOAT
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1); // channels
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], bytesPerSample); // block align
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 8 * bytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(header[36..], 0); // cbSize

        "fact"u8.CopyTo(header[38..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[42..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[46..], (uint)samples.Length);

        "data"u8.CopyTo(header[50..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[54..], (uint)dataBytes);
        stream.Write(header);

        Span<byte> buffer = stackalloc byte[4096];
        int perBuffer = buffer.Length / bytesPerSample;
        for (int start = 0; start < samples.Length; start += perBuffer)
        {
            ReadOnlySpan<float> block = samples.Slice(start, Math.Min(perBuffer, samples.Length - start));
            for (int i = 0; i < block.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer[(i * bytesPerSample)..], block[i]);
            }

            stream.Write(buffer[..(block.Length * bytesPerSample)]);
        }
    }
}
