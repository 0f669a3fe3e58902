namespace NeuroSync.Audio;

/// <summary>A clip of audio as floating-point samples, interleaved by channel, nominally in [-1, 1].</summary>
/// <remarks>Immutable as far as NeuroSync is concerned: the pipeline never writes to <see cref="Samples"/>.</remarks>
public sealed class AudioClip
{
    /// <summary>The lowest sample rate accepted, in hertz.</summary>
    public const int MinSampleRate = 1_000;

    /// <summary>The highest sample rate accepted, in hertz.</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>The most channels accepted.</summary>
    public const int MaxChannels = 64;

    /// <summary>
    /// The most samples (all channels together) that <see cref="ReadWav(Stream)"/> decodes: 2^26 = 67,108,864 samples,
    /// that is 256 MiB as 32-bit floats, or about 11 min 39 s of 48 kHz stereo.
    /// </summary>
    /// <remarks>
    /// The limit protects a server from a WAV header (or an endless stream) that asks for gigabytes. NeuroSync uses only the
    /// first seconds of a clip (7 s by default), so trim longer recordings before reading them.
    /// </remarks>
    public const int MaxWavSamples = 1 << 26;

    /// <summary>Creates a clip over existing samples (not copied).</summary>
    /// <param name="samples">Interleaved samples: frame 0 channel 0, frame 0 channel 1, ..., frame 1 channel 0, ...</param>
    /// <param name="sampleRate">Frames per second, between <see cref="MinSampleRate"/> and <see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">Channels per frame, between 1 and <see cref="MaxChannels"/>.</param>
    /// <exception cref="InvalidAudioException">A parameter is out of range or the sample count is not a multiple of <paramref name="channels"/>.</exception>
    public AudioClip(ReadOnlyMemory<float> samples, int sampleRate, int channels = 1)
    {
        if (sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new InvalidAudioException($"Audio sample rate: expected {MinSampleRate} to {MaxSampleRate} Hz, found {sampleRate} Hz.");
        }

        if (channels is < 1 or > MaxChannels)
        {
            throw new InvalidAudioException($"Audio channels: expected 1 to {MaxChannels}, found {channels}.");
        }

        if (samples.Length % channels != 0)
        {
            throw new InvalidAudioException($"Audio samples: expected a multiple of {channels} (one per channel per frame), found {samples.Length}.");
        }

        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>Gets the interleaved samples.</summary>
    public ReadOnlyMemory<float> Samples { get; }

    /// <summary>Gets the number of frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the number of channels per frame.</summary>
    public int Channels { get; }

    /// <summary>Gets the number of frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Channels;

    /// <summary>Gets the length of the clip.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)FrameCount / SampleRate);

    /// <summary>Reads a WAV stream: PCM 8, 16, 24 or 32-bit integer or 32-bit IEEE float, any channel count and rate.</summary>
    /// <remarks>
    /// WAVE_FORMAT_EXTENSIBLE wrapping PCM or IEEE float is accepted; unknown chunks are skipped. The stream need not be
    /// seekable. A data chunk whose size is 0xFFFFFFFF (or 0 when the RIFF size is also 0 or 0xFFFFFFFF, as streaming
    /// writers leave them) is read to the end of the stream. At most <see cref="MaxWavSamples"/> samples are decoded.
    /// </remarks>
    /// <param name="stream">A readable stream positioned at the RIFF header; it is read to the end of the data chunk and not disposed.</param>
    /// <returns>The decoded clip.</returns>
    /// <exception cref="InvalidAudioException">The stream is not a WAV file, is truncated or corrupt, or uses an unsupported encoding.</exception>
    public static AudioClip ReadWav(Stream stream) => WavDecoder.Decode(stream);

    /// <summary>Reads a WAV file: PCM 8, 16, 24 or 32-bit integer or 32-bit IEEE float, any channel count and rate.</summary>
    /// <param name="path">The path of the file.</param>
    /// <returns>The decoded clip.</returns>
    /// <exception cref="InvalidAudioException">The file is not a WAV file, is truncated or corrupt, or uses an unsupported encoding.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static AudioClip ReadWav(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return WavDecoder.Decode(stream);
    }
}
