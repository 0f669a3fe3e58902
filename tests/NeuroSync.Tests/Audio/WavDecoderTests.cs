using System.Buffers.Binary;
using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Audio;

public sealed class WavDecoderTests
{
    public static TheoryData<string> Fixtures => new()
    {
        "pcm8", "pcm16", "pcm24", "pcm32", "float32", "pcm24_extensible", "mono16_with_extra_chunks",
    };

    /// <summary>Each bad file and a fragment its message must contain (what was expected and what was found).</summary>
    public static TheoryData<string, string> BadFiles => new()
    {
        { "truncated.wav", "WAV data chunk: header declares 8000 bytes, found only 4001 (truncated file)" },
        { "not_a_wav.wav", "WAV header: expected 'RIFF', found" },
        { "empty.wav", "found an empty stream" },
        { "adpcm.wav", "WAV format tag: expected PCM (1), IEEE float (3) or extensible (0xFFFE), found 2 (ADPCM)" },
        { "zero_channels.wav", "WAV channels: expected 1 to 64, found 0" },
        { "no_data_chunk.wav", "WAV data chunk: expected one, found end of stream" },
        { "bits12.wav", "WAV bits per sample: expected 8, 16, 24 or 32 for PCM, found 12" },
        { "huge_declared_size.wav", "header declares 4294967280 bytes, found only 100 (truncated file)" },
        { "nan.wav", "expected finite values, found NaN at sample index 0" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_Fixture_MatchesGoldenSamplesExactly(string name)
    {
        AudioClip clip = AudioClip.ReadWav(TestFiles.Path("Audio", name + ".wav"));
        var (expected, shape) = Npy.ReadFloat32(TestFiles.Path("Golden", "audio", $"decoded_{name}.npy"));

        Assert.Equal(2, shape.Length);
        Assert.Equal(shape[1], clip.Channels);
        Assert.Equal(shape[0], clip.FrameCount);
        Assert.Equal(22_050, clip.SampleRate);
        float maxAbs = MaxAbsDifference(expected, clip.Samples.Span);
        Assert.True(maxAbs <= Tolerances.WavDecode, $"{name}: max abs difference {maxAbs} > {Tolerances.WavDecode} (bit-exact expected)");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_NonSeekableStreamOneByteAtATime_EqualsFileDecode(string name)
    {
        string path = TestFiles.Path("Audio", name + ".wav");
        AudioClip fromFile = AudioClip.ReadWav(path);

        AudioClip fromStream = AudioClip.ReadWav(new NonSeekableStream(File.ReadAllBytes(path), maxRead: 1));

        Assert.Equal(fromFile.SampleRate, fromStream.SampleRate);
        Assert.Equal(fromFile.Channels, fromStream.Channels);
        float maxAbs = MaxAbsDifference(fromFile.Samples.Span, fromStream.Samples.Span);
        Assert.True(maxAbs <= Tolerances.WavDecode, $"{name}: max abs difference {maxAbs} (bit-exact expected)");
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Decode_BadFile_ThrowsInvalidAudioExceptionNamingExpectedAndFound(string file, string messageFragment)
    {
        byte[] bytes = File.ReadAllBytes(TestFiles.Path("Audio", "Bad", file));

        var fromFile = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(TestFiles.Path("Audio", "Bad", file)));
        var fromStream = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new NonSeekableStream(bytes, maxRead: 7)));

        Assert.Contains(messageFragment, fromFile.Message, StringComparison.Ordinal);
        Assert.Contains(messageFragment, fromStream.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EndlessStreamOfEmptyChunks_IsRefusedAfterTheChunkLimit()
    {
        using var endless = new EndlessJunkStream();

        var ex = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(endless));

        Assert.Contains("expected 'data' within the first 1024 chunks", ex.Message, StringComparison.Ordinal);
        Assert.True(endless.Position < 64 * 1024, $"read {endless.Position} bytes");
    }

    [Fact]
    public void Decode_OtherChunksOfMoreThan64MiBBeforeData_AreRefused()
    {
        // A non-seekable stream that declares a 100 MiB LIST chunk: refused before any of it is read.
        byte[] header = [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVE"u8, .. "LIST"u8, 0x00, 0x00, 0x40, 0x06];
        using var stream = new NonSeekableStream(header);

        var ex = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(stream));

        Assert.Contains("at most 67108864 bytes of other chunks before 'data'", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A RIFF/WAVE header followed by empty JUNK chunks for ever, read forward only.</summary>
    private sealed class EndlessJunkStream : Stream
    {
        private static readonly byte[] Header = [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVE"u8];
        private static readonly byte[] Junk = [.. "JUNK"u8, 0, 0, 0, 0];
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++, _position++)
            {
                buffer[offset + i] = _position < Header.Length ? Header[_position] : Junk[(_position - Header.Length) % Junk.Length];
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Decode_EveryBadFileInManifest_IsCoveredByBadFilesTheory()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(TestFiles.Path("Audio", "Bad", "bad.json")));
        var covered = BadFiles.Select(row => (string)row[0]).ToHashSet();

        foreach (JsonElement entry in manifest.RootElement.EnumerateArray())
        {
            Assert.Contains(entry.GetProperty("file").GetString()!, covered);
        }
    }

    [Fact]
    public void Decode_EveryPrefixOfFixture_ThrowsOnlyInvalidAudioException()
    {
        byte[] bytes = File.ReadAllBytes(TestFiles.Path("Audio", "mono16_with_extra_chunks.wav"));

        // Every cut before the end of the data chunk (the file ends with a 12-byte 'tail' chunk, which is never read).
        for (int length = 0; length < bytes.Length - 12; length += length < 200 ? 1 : 97)
        {
            byte[] prefix = bytes[..length];
            Exception? error = Record.Exception(() => AudioClip.ReadWav(new MemoryStream(prefix)));
            Exception? streamed = Record.Exception(() => AudioClip.ReadWav(new NonSeekableStream(prefix, maxRead: 13)));

            Assert.IsType<InvalidAudioException>(error);
            Assert.IsType<InvalidAudioException>(streamed);
        }
    }

    [Fact]
    public void Decode_RandomlyCorruptedHeaders_ThrowOnlyInvalidAudioExceptionOrDecode()
    {
        byte[] original = File.ReadAllBytes(TestFiles.Path("Audio", "pcm24_extensible.wav"));
        var random = new Random(1234);

        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(0, 80)] = (byte)random.Next(256);
            }

            Exception? error = Record.Exception(() => AudioClip.ReadWav(new MemoryStream(bytes)));

            Assert.True(error is null or InvalidAudioException, $"trial {trial}: {error?.GetType().Name}: {error?.Message}");
        }
    }

    [Fact]
    public void Decode_DataSizeUnknown_ReadsToEndOfNonSeekableStream()
    {
        short[] samples = [0, 1000, -1000, 32767, -32768, 5];
        byte[] wav = new WavBuilder { Data = WavBuilder.Pcm16(samples), DataSizeField = uint.MaxValue, RiffSizeField = uint.MaxValue }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new NonSeekableStream(wav, maxRead: 3));

        Assert.Equal(samples.Select(s => s / 32768f), clip.Samples.ToArray());
    }

    [Fact]
    public void Decode_DataSizeZeroWithUnknownRiffSize_ReadsToEnd()
    {
        short[] samples = [1, 2, 3, 4];
        byte[] wav = new WavBuilder { Data = WavBuilder.Pcm16(samples), DataSizeField = 0, RiffSizeField = 0 }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(wav));

        Assert.Equal(4, clip.FrameCount);
    }

    [Fact]
    public void Decode_DataSizeZeroWithKnownRiffSize_IsAnEmptyClip()
    {
        byte[] wav = new WavBuilder { Data = [] }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(wav));

        Assert.Equal(0, clip.FrameCount);
    }

    [Fact]
    public void Decode_DeclaredSizeAboveLimit_ThrowsBeforeReadingOnSeekableStream()
    {
        byte[] wav = new WavBuilder { Data = new byte[2 * 1000] }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => WavDecoder.Decode(new MemoryStream(wav), maxSamples: 999));
        var streamed = Assert.Throws<InvalidAudioException>(() => WavDecoder.Decode(new NonSeekableStream(wav), maxSamples: 999));

        Assert.Contains("expected at most 999 samples", error.Message, StringComparison.Ordinal);
        Assert.Contains("found 1000 declared", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected at most 999 samples", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EndlessStreamAboveLimit_ThrowsTooLong()
    {
        byte[] wav = new WavBuilder { Data = new byte[2 * 5000], DataSizeField = uint.MaxValue, RiffSizeField = uint.MaxValue }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => WavDecoder.Decode(new NonSeekableStream(wav), maxSamples: 4096));
        var seekable = Assert.Throws<InvalidAudioException>(() => WavDecoder.Decode(new MemoryStream(wav), maxSamples: 4096));

        Assert.Contains("expected at most 4,096 samples", error.Message, StringComparison.Ordinal);
        Assert.Contains("found 5000 in the rest of the stream", seekable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ExactlyAtLimit_Decodes()
    {
        byte[] wav = new WavBuilder { Data = new byte[2 * 4096], DataSizeField = uint.MaxValue }.ToArray();

        AudioClip clip = WavDecoder.Decode(new NonSeekableStream(wav), maxSamples: 4096);

        Assert.Equal(4096, clip.FrameCount);
    }

    [Fact]
    public void Decode_DataBeforeFmt_ThrowsNamingChunkOrder()
    {
        byte[] wav = new WavBuilder { Data = new byte[8], DataBeforeFmt = true }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new MemoryStream(wav)));

        Assert.Equal("WAV chunk order: expected 'fmt ' before 'data', found 'data' first.", error.Message);
    }

    [Fact]
    public void Decode_ExtensibleFloat32_DecodesStoredFloats()
    {
        float[] samples = [0.5f, -0.25f, 1e-3f, -1f, 0f, 0.75f];
        byte[] wav = new WavBuilder { Channels = 2, BitsPerSample = 32, ExtensibleSubFormat = 3, Data = WavBuilder.Float32(samples) }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(wav));

        Assert.Equal(2, clip.Channels);
        Assert.Equal(samples, clip.Samples.ToArray());
    }

    [Fact]
    public void Decode_ExtensibleWithUnsupportedSubFormat_ThrowsNamingIt()
    {
        byte[] wav = new WavBuilder { BitsPerSample = 16, ExtensibleSubFormat = 2, Data = new byte[4] }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new MemoryStream(wav)));

        Assert.Equal("WAV extensible sub-format: expected PCM (1) or IEEE float (3), found 2 (ADPCM).", error.Message);
    }

    [Fact]
    public void Decode_Float64_ThrowsNamingBitDepth()
    {
        byte[] wav = new WavBuilder { FormatTag = 3, BitsPerSample = 64, Data = new byte[16] }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new MemoryStream(wav)));

        Assert.Equal("WAV bits per sample: expected 32 for IEEE float, found 64.", error.Message);
    }

    [Fact]
    public void Decode_SampleRateOutOfRange_ThrowsNamingRange()
    {
        byte[] wav = new WavBuilder { SampleRate = 500, Data = new byte[4] }.ToArray();

        var error = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new MemoryStream(wav)));

        Assert.Equal("WAV sample rate: expected 1000 to 768000 Hz, found 500 Hz.", error.Message);
    }

    [Fact]
    public void Decode_WrongBlockAlign_ThrowsNamingExpected()
    {
        byte[] wav = new WavBuilder { Channels = 2, Data = new byte[8] }.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(12 + 8 + 12), 3);

        var error = Assert.Throws<InvalidAudioException>(() => AudioClip.ReadWav(new MemoryStream(wav)));

        Assert.Equal("WAV block align: expected 4 bytes (2 channel(s) x 2 bytes), found 3.", error.Message);
    }

    [Fact]
    public void Decode_SixtyFourChannels8Bit_DecodesUnsignedOffset()
    {
        byte[] data = Enumerable.Range(0, 64 * 3).Select(i => (byte)(i % 256)).ToArray();
        byte[] wav = new WavBuilder { Channels = 64, BitsPerSample = 8, Data = data }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(wav));

        Assert.Equal(64, clip.Channels);
        Assert.Equal(3, clip.FrameCount);
        Assert.Equal(data.Select(b => (b - 128) / 128f), clip.Samples.ToArray());
    }

    [Fact]
    public void Decode_TrailingPartialFrame_IsIgnored()
    {
        byte[] data = WavBuilder.Pcm16([100, 200, 300]);
        byte[] wav = new WavBuilder { Channels = 2, Data = data }.ToArray();

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(wav));

        Assert.Equal(1, clip.FrameCount);
        Assert.Equal([100 / 32768f, 200 / 32768f], clip.Samples.ToArray());
    }

    [Fact]
    public void Decode_StopsAtEndOfDataChunk_LeavingTrailingChunksUnread()
    {
        string path = TestFiles.Path("Audio", "mono16_with_extra_chunks.wav");
        byte[] bytes = File.ReadAllBytes(path);
        var stream = new NonSeekableStream(bytes, maxRead: 4096);

        AudioClip clip = AudioClip.ReadWav(stream);

        // The fixture ends with an odd-sized 'tail' chunk: 8 header bytes + 3 payload bytes + 1 pad byte.
        Assert.Equal(bytes.Length - 12, stream.BytesRead);
        Assert.True(clip.FrameCount > 0);
    }

    [Fact]
    public void Decode_NullStream_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => AudioClip.ReadWav((Stream)null!));
    }

    private static float MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
