using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace NeuroSync.Audio;

/// <summary>Reads RIFF/WAVE streams into <see cref="AudioClip"/>s.</summary>
/// <remarks>
/// Hand-written rather than NWaves' <c>WaveFile</c>: that reader throws untyped errors (index, format and end-of-stream
/// exceptions) on malformed input and allocates whatever the header declares, while an upload is untrusted input that
/// must fail with an <see cref="InvalidAudioException"/> naming what was expected and found, and must never make us
/// allocate more than the stream actually holds. This reader streams (no seeking needed), caps every allocation at
/// <see cref="AudioClip.MaxWavSamples"/>, and grows its buffer only as data arrives.
/// </remarks>
internal static class WavDecoder
{
    private const int FormatPcm = 1;
    private const int FormatIeeeFloat = 3;
    private const int FormatExtensible = 0xFFFE;
    private const int ReadBufferBytes = 64 * 1024;
    private const int InitialCapacitySamples = 1 << 16;
    private const int MaxFmtBytesRead = 40;

    // Before 'data' a WAV holds its format and a few metadata chunks (LIST, bext, iXML, padding); these bound what a
    // hostile or broken stream can make the decoder read before it finds none.
    private const int MaxChunksBeforeData = 1024;
    private const long MaxBytesSkippedBeforeData = 64L * 1024 * 1024;

    // KSDATAFORMAT_SUBTYPE_xxx = {0000tttt-0000-0010-8000-00AA00389B71}; bytes 2..15 of the GUID as stored in the file.
    private static ReadOnlySpan<byte> SubFormatGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Decodes a WAV stream, refusing more than <see cref="AudioClip.MaxWavSamples"/> samples.</summary>
    public static AudioClip Decode(Stream stream) => Decode(stream, AudioClip.MaxWavSamples);

    /// <summary>Decodes a WAV stream with an explicit sample limit (tests use a small one).</summary>
    internal static AudioClip Decode(Stream stream, int maxSamples)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, AudioClip.MaxChannels);
        if (!stream.CanRead)
        {
            throw new ArgumentException("Stream: expected a readable stream, found one that cannot be read.", nameof(stream));
        }

        Span<byte> header = stackalloc byte[12];
        int got = ReadFully(stream, header);
        if (got == 0)
        {
            ThrowHelper.ThrowInvalidAudio("WAV header: expected 12 bytes ('RIFF', size, 'WAVE'), found an empty stream.");
        }

        if (got < header.Length)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV header: expected 12 bytes ('RIFF', size, 'WAVE'), found only {got}.");
        }

        if (!header[..4].SequenceEqual("RIFF"u8))
        {
            string hint = header[..4].SequenceEqual("RF64"u8) || header[..4].SequenceEqual("BW64"u8) ? " (64-bit RF64/BW64 files are not supported)"
                : header[..4].SequenceEqual("RIFX"u8) ? " (big-endian RIFX files are not supported)"
                : string.Empty;
            ThrowHelper.ThrowInvalidAudio($"WAV header: expected 'RIFF', found {DescribeId(header[..4])}{hint}.");
        }

        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (!header[8..12].SequenceEqual("WAVE"u8))
        {
            ThrowHelper.ThrowInvalidAudio($"WAV header: expected form type 'WAVE', found {DescribeId(header[8..12])}.");
        }

        WavFormat? format = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        int chunksSeen = 0;
        long skippedTotal = 0;
        while (true)
        {
            got = ReadFully(stream, chunkHeader);
            if (got == 0)
            {
                ThrowHelper.ThrowInvalidAudio(format is null
                    ? $"WAV fmt chunk: expected one, found end of stream after {chunksSeen} other chunk(s)."
                    : $"WAV data chunk: expected one, found end of stream after {chunksSeen} other chunk(s).");
            }

            if (got < chunkHeader.Length)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV chunk header: expected 8 bytes, found only {got} (truncated file).");
            }

            ReadOnlySpan<byte> id = chunkHeader[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id.SequenceEqual("fmt "u8))
            {
                if (format is not null)
                {
                    ThrowHelper.ThrowInvalidAudio("WAV fmt chunk: expected exactly one, found a second.");
                }

                format = ReadFormat(stream, size);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is not WavFormat f)
                {
                    return ThrowHelper.ThrowInvalidAudio<AudioClip>("WAV chunk order: expected 'fmt ' before 'data', found 'data' first.");
                }

                return ReadData(stream, size, riffSize, f, maxSamples);
            }
            else
            {
                skippedTotal += (long)size + (size & 1);
                if (skippedTotal > MaxBytesSkippedBeforeData)
                {
                    ThrowHelper.ThrowInvalidAudio($"WAV chunk {DescribeId(id)}: expected at most {MaxBytesSkippedBeforeData} bytes of other chunks before 'data', found {skippedTotal}.");
                }

                long skipped = Skip(stream, (long)size + (size & 1));
                if (skipped < size)
                {
                    ThrowHelper.ThrowInvalidAudio($"WAV chunk {DescribeId(id)}: header declares {size} bytes, found only {skipped} (truncated file).");
                }
            }

            chunksSeen++;
            if (chunksSeen > MaxChunksBeforeData)
            {
                // An endless stream of chunks (empty JUNK after JUNK) would otherwise be read for ever.
                ThrowHelper.ThrowInvalidAudio($"WAV chunks: expected 'data' within the first {MaxChunksBeforeData} chunks, found none.");
            }
        }
    }

    private static WavFormat ReadFormat(Stream stream, uint size)
    {
        if (size < 16)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV fmt chunk: expected at least 16 bytes, found {size}.");
        }

        Span<byte> fmt = stackalloc byte[MaxFmtBytesRead];
        int want = (int)Math.Min(size, MaxFmtBytesRead);
        int got = ReadFully(stream, fmt[..want]);
        if (got < want)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV fmt chunk: header declares {size} bytes, found only {got} (truncated file).");
        }

        long rest = size - want + (size & 1);
        if (rest > 0 && Skip(stream, rest) < size - want)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV fmt chunk: header declares {size} bytes, found fewer (truncated file).");
        }

        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        int encoding = tag;
        if (tag == FormatExtensible)
        {
            if (size < 40)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV fmt chunk: expected 40 bytes for WAVE_FORMAT_EXTENSIBLE (0xFFFE), found {size}.");
            }

            int extraSize = BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]);
            if (extraSize < 22)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV extensible fmt cbSize: expected at least 22, found {extraSize}.");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            ReadOnlySpan<byte> subFormat = fmt[24..40];
            encoding = BinaryPrimitives.ReadUInt16LittleEndian(subFormat);
            if (!subFormat[2..].SequenceEqual(SubFormatGuidTail))
            {
                ThrowHelper.ThrowInvalidAudio(
                    $"WAV extensible sub-format: expected KSDATAFORMAT_SUBTYPE_PCM or KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, found GUID {new Guid(subFormat)}.");
            }

            if (encoding is not (FormatPcm or FormatIeeeFloat))
            {
                ThrowHelper.ThrowInvalidAudio(
                    $"WAV extensible sub-format: expected PCM (1) or IEEE float (3), found {encoding}{DescribeFormatTag(encoding)}.");
            }

            if (validBits > bits)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV extensible valid bits per sample: expected at most {bits} (the container size), found {validBits}.");
            }
        }
        else if (tag is not (FormatPcm or FormatIeeeFloat))
        {
            ThrowHelper.ThrowInvalidAudio(
                $"WAV format tag: expected PCM (1), IEEE float (3) or extensible (0xFFFE), found {tag}{DescribeFormatTag(tag)}.");
        }

        if (channels is < 1 or > AudioClip.MaxChannels)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV channels: expected 1 to {AudioClip.MaxChannels}, found {channels}.");
        }

        if (sampleRate is < AudioClip.MinSampleRate or > AudioClip.MaxSampleRate)
        {
            ThrowHelper.ThrowInvalidAudio($"WAV sample rate: expected {AudioClip.MinSampleRate} to {AudioClip.MaxSampleRate} Hz, found {sampleRate} Hz.");
        }

        bool isFloat = encoding == FormatIeeeFloat;
        if (isFloat ? bits != 32 : bits is not (8 or 16 or 24 or 32))
        {
            ThrowHelper.ThrowInvalidAudio(isFloat
                ? $"WAV bits per sample: expected 32 for IEEE float, found {bits}."
                : $"WAV bits per sample: expected 8, 16, 24 or 32 for PCM, found {bits}.");
        }

        int expectedAlign = channels * (bits / 8);
        if (blockAlign != expectedAlign)
        {
            ThrowHelper.ThrowInvalidAudio(
                $"WAV block align: expected {expectedAlign} bytes ({channels} channel(s) x {bits / 8} bytes), found {blockAlign}.");
        }

        return new WavFormat(channels, (int)sampleRate, bits, blockAlign, isFloat);
    }

    private static AudioClip ReadData(Stream stream, uint declared, uint riffSize, WavFormat format, int maxSamples)
    {
        // Streaming writers that cannot seek back leave the sizes as 0xFFFFFFFF (or 0): read to the end of the stream.
        // A data size of 0 alone is a genuinely empty chunk; it means "unknown" only when the RIFF size is unknown too.
        bool toEnd = declared == uint.MaxValue || (declared == 0 && riffSize is 0 or uint.MaxValue);
        int channels = format.Channels;
        int blockAlign = format.BlockAlign;
        long maxFrames = maxSamples / channels;
        long maxBytes = maxFrames * blockAlign;
        long? remaining = RemainingBytes(stream);

        // A seekable stream tells us its length, so a lying or oversized header can be refused before reading anything.
        // Without a length we read (at most the limit) and find out, so the message is the same either way.
        if (!toEnd && remaining is long r)
        {
            if (r < declared)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV data chunk: header declares {declared} bytes, found only {r} (truncated file).");
            }

            if (declared / blockAlign > maxFrames)
            {
                ThrowTooLong(maxSamples, $"{declared / blockAlign * channels} declared by the data chunk header");
            }
        }
        else if (toEnd && remaining is long rest && rest / blockAlign > maxFrames)
        {
            ThrowTooLong(maxSamples, $"{rest / blockAlign * channels} in the rest of the stream");
        }

        // Read at most what the header declares; to the end, read one frame past the limit to detect an overlong stream.
        long limitBytes = toEnd ? maxBytes + blockAlign : declared;

        // Trust only what the stream has shown it holds: a seekable stream's remaining length, else start small and grow.
        long knownBytes = remaining is long left ? Math.Min(left, limitBytes) : Math.Min(limitBytes, (long)InitialCapacitySamples / channels * blockAlign);
        long initialSamples = Math.Min(knownBytes / blockAlign, maxFrames) * channels;
        float[] samples = initialSamples == 0 ? [] : new float[initialSamples];
        int sampleCount = 0;

        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            int chunkBytes = ReadBufferBytes / blockAlign * blockAlign;
            long consumed = 0;
            int carry = 0;
            while (consumed < limitBytes)
            {
                int toRead = (int)Math.Min(chunkBytes - carry, limitBytes - consumed);
                int n = stream.Read(buffer, carry, toRead);
                if (n == 0)
                {
                    break;
                }

                consumed += n;
                int available = carry + n;
                int frames = available / blockAlign;
                int newSamples = frames * channels;
                if (sampleCount + (long)newSamples > maxFrames * channels)
                {
                    ThrowTooLong(maxSamples, toEnd ? "more in a stream read to its end" : $"{declared / blockAlign * channels} declared by the data chunk header");
                }

                if (sampleCount + newSamples > samples.Length)
                {
                    long grown = Math.Max(sampleCount + (long)newSamples, Math.Min(Math.Max(samples.Length * 2L, InitialCapacitySamples), maxFrames * channels));
                    Array.Resize(ref samples, (int)grown);
                }

                Convert(buffer.AsSpan(0, frames * blockAlign), samples.AsSpan(sampleCount, newSamples), format, sampleCount);
                sampleCount += newSamples;
                carry = available - (frames * blockAlign);
                buffer.AsSpan(frames * blockAlign, carry).CopyTo(buffer);
            }

            if (!toEnd && consumed < declared)
            {
                ThrowHelper.ThrowInvalidAudio($"WAV data chunk: header declares {declared} bytes, found only {consumed} (truncated file).");
            }

            // A trailing partial frame (a data size that is not a multiple of the block align) is ignored, as ffmpeg and
            // libsndfile do; the declared bytes were all present, so the file is not truncated.
            return new AudioClip(samples.AsMemory(0, sampleCount), format.SampleRate, channels);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Convert(ReadOnlySpan<byte> source, Span<float> destination, WavFormat format, long firstIndex)
    {
        switch (format.BitsPerSample)
        {
            case 8:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (source[i] - 128) * (1f / 128);
                }

                break;
            case 16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source.Slice(2 * i)) * (1f / 32768);
                }

                break;
            case 24:
                for (int i = 0; i < destination.Length; i++)
                {
                    int o = 3 * i;
                    int v = source[o] | (source[o + 1] << 8) | ((sbyte)source[o + 2] << 16);
                    destination[i] = v * (1f / 8388608);
                }

                break;
            case 32 when format.IsFloat:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(4 * i));
                }

                int bad = AudioKernels.IndexOfNonFinite(destination);
                if (bad >= 0)
                {
                    ThrowHelper.ThrowNonFinite("WAV data", destination[bad], firstIndex + bad, format.Channels);
                }

                break;
            default:
                for (int i = 0; i < destination.Length; i++)
                {
                    // Exact: int -> float rounds once, the power-of-two scale is exact.
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source.Slice(4 * i)) * (1f / 2147483648);
                }

                break;
        }
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> destination) => stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);

    /// <summary>Skips up to <paramref name="count"/> bytes; returns how many the stream actually had.</summary>
    private static long Skip(Stream stream, long count)
    {
        if (count <= 0)
        {
            return 0;
        }

        if (RemainingBytes(stream) is long remaining)
        {
            long n = Math.Min(count, remaining);
            stream.Seek(n, SeekOrigin.Current);
            return n;
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long skipped = 0;
            while (skipped < count)
            {
                int n = stream.Read(scratch, 0, (int)Math.Min(scratch.Length, count - skipped));
                if (n == 0)
                {
                    break;
                }

                skipped += n;
            }

            return skipped;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static long? RemainingBytes(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        try
        {
            return Math.Max(0, stream.Length - stream.Position);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static void ThrowTooLong(int maxSamples, string found) =>
        ThrowHelper.ThrowInvalidAudio(
            $"WAV data: expected at most {maxSamples.ToString("N0", CultureInfo.InvariantCulture)} samples (AudioClip.MaxWavSamples), found {found}; " +
            "trim the recording first (NeuroSync uses only its first seconds).");

    private static string DescribeId(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return "0x" + System.Convert.ToHexString(id);
            }
        }

        return "'" + System.Text.Encoding.ASCII.GetString(id) + "'";
    }

    private static string DescribeFormatTag(int tag) => tag switch
    {
        0 => " (unknown)",
        2 => " (ADPCM)",
        6 => " (A-law)",
        7 => " (mu-law)",
        0x11 => " (IMA ADPCM)",
        0x31 => " (GSM 6.10)",
        0x50 => " (MPEG)",
        0x55 => " (MPEG layer 3)",
        FormatExtensible => " (extensible)",
        _ => string.Empty,
    };

    private readonly record struct WavFormat(int Channels, int SampleRate, int BitsPerSample, int BlockAlign, bool IsFloat);
}
