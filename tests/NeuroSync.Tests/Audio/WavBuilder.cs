using System.Buffers.Binary;
using System.Text;

namespace NeuroSync.Tests.Audio;

/// <summary>Writes small synthetic WAV files byte by byte, so tests can vary one header field at a time.</summary>
internal sealed class WavBuilder
{
    public int FormatTag { get; set; } = 1;

    public int Channels { get; set; } = 1;

    public int SampleRate { get; set; } = 16_000;

    public int BitsPerSample { get; set; } = 16;

    /// <summary>When set, writes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with this sub-format tag.</summary>
    public int? ExtensibleSubFormat { get; set; }

    public byte[] Data { get; set; } = [];

    /// <summary>Overrides the data chunk size field (e.g. 0xFFFFFFFF for "unknown").</summary>
    public uint? DataSizeField { get; set; }

    /// <summary>Overrides the RIFF size field.</summary>
    public uint? RiffSizeField { get; set; }

    public List<(string Id, byte[] Payload)> ChunksBeforeData { get; } = [];

    public bool DataBeforeFmt { get; set; }

    public byte[] ToArray()
    {
        var body = new MemoryStream();
        body.Write("WAVE"u8);
        byte[] fmt = FormatChunk();
        if (!DataBeforeFmt)
        {
            WriteChunk(body, "fmt ", fmt);
        }

        foreach (var (id, payload) in ChunksBeforeData)
        {
            WriteChunk(body, id, payload);
        }

        WriteChunk(body, "data", Data, DataSizeField);
        if (DataBeforeFmt)
        {
            WriteChunk(body, "fmt ", fmt);
        }

        var file = new MemoryStream();
        file.Write("RIFF"u8);
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, RiffSizeField ?? (uint)body.Length);
        file.Write(size);
        body.Position = 0;
        body.CopyTo(file);
        return file.ToArray();
    }

    public static byte[] Pcm16(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    public static byte[] Float32(ReadOnlySpan<float> samples)
    {
        var bytes = new byte[samples.Length * 4];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), samples[i]);
        }

        return bytes;
    }

    private byte[] FormatChunk()
    {
        int blockAlign = Channels * BitsPerSample / 8;
        var fmt = new byte[ExtensibleSubFormat is null ? 16 : 40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)(ExtensibleSubFormat is null ? FormatTag : 0xFFFE));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(SampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)BitsPerSample);
        if (ExtensibleSubFormat is int sub)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)BitsPerSample);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 0);
            new Guid($"{sub:x8}-0000-0010-8000-00aa00389b71").TryWriteBytes(fmt.AsSpan(24));
        }

        return fmt;
    }

    private static void WriteChunk(Stream stream, string id, byte[] payload, uint? sizeField = null)
    {
        stream.Write(Encoding.ASCII.GetBytes(id));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, sizeField ?? (uint)payload.Length);
        stream.Write(size);
        stream.Write(payload);
        if ((payload.Length & 1) != 0)
        {
            stream.WriteByte(0);
        }
    }
}
