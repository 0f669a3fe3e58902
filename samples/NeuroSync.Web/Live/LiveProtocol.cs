using System.Buffers.Binary;

namespace NeuroSync.Web.Live;

/// <summary>
/// The binary messages a page sends to <c>/api/live</c>: one byte of type, then the fields of that type, little-endian.
/// Timestamps are milliseconds on the page's clock, which starts (0) when the page receives the <c>ready</c> message.
/// </summary>
/// <remarks>
/// <code>
/// 0x01 audio  [type u8][timestamp u32][sample rate u32 = 16000][channels u8 = 1][samples: int16 ...]   (header 10 bytes)
/// 0x02 frame  [type u8][timestamp u32][JPEG file: FF D8 FF ... FF D9]                                  (header 5 bytes)
/// 0x03 end    [type u8]                                                                                 (1 byte)
/// </code>
/// The server answers with JSON text messages (<see cref="LiveReadyMessage"/>, <see cref="LiveFaceMessage"/>,
/// <see cref="LiveUpdateMessage"/>). Anything else (a text message, an unknown type, a short header, a wrong audio
/// format, a frame that is not a well-formed JPEG, a message over the size limit) closes the socket with 1008.
/// </remarks>
internal static class LiveProtocol
{
    /// <summary>The type byte of an audio chunk.</summary>
    public const byte Audio = 0x01;

    /// <summary>The type byte of a camera frame.</summary>
    public const byte Frame = 0x02;

    /// <summary>The type byte of the end of the input: the server sends the final update and closes (1000).</summary>
    public const byte End = 0x03;

    /// <summary>The bytes before an audio chunk's samples.</summary>
    public const int AudioHeaderBytes = 10;

    /// <summary>The bytes before a frame's JPEG.</summary>
    public const int FrameHeaderBytes = 5;

    /// <summary>The longest close reason a WebSocket close frame carries, in bytes.</summary>
    public const int MaxCloseReasonBytes = 123;

    /// <summary>Reads an audio chunk's header and checks its format.</summary>
    /// <param name="message">The whole message, type byte included.</param>
    /// <param name="maxSamples">The most samples a chunk may have.</param>
    /// <returns>The timestamp in milliseconds and the samples' bytes (little-endian int16).</returns>
    /// <exception cref="LiveProtocolException">The chunk is not 16 kHz mono 16-bit PCM of at most <paramref name="maxSamples"/> samples.</exception>
    public static (uint Timestamp, ReadOnlyMemory<byte> Samples) ReadAudio(ReadOnlyMemory<byte> message, int maxSamples)
    {
        ReadOnlySpan<byte> span = message.Span;
        if (span.Length < AudioHeaderBytes)
        {
            throw new LiveProtocolException($"audio: expected a {AudioHeaderBytes}-byte header, found {span.Length} bytes");
        }

        uint timestamp = BinaryPrimitives.ReadUInt32LittleEndian(span[1..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(span[5..]);
        byte channels = span[9];
        if (rate != LiveOptions.SampleRate || channels != 1)
        {
            throw new LiveProtocolException($"wrong audio format: expected {LiveOptions.SampleRate} Hz mono 16-bit PCM, found {rate} Hz with {channels} channel(s)");
        }

        int bytes = span.Length - AudioHeaderBytes;
        if (bytes % 2 != 0)
        {
            throw new LiveProtocolException($"wrong audio format: expected whole 16-bit samples, found {bytes} bytes");
        }

        if (bytes / 2 > maxSamples)
        {
            throw new LiveProtocolException($"audio: expected at most {maxSamples} samples per chunk, found {bytes / 2}");
        }

        return (timestamp, message[AudioHeaderBytes..]);
    }

    /// <summary>Reads a frame's header and checks that a JPEG follows.</summary>
    /// <param name="message">The whole message, type byte included.</param>
    /// <returns>The timestamp in milliseconds and the JPEG's bytes.</returns>
    /// <exception cref="LiveProtocolException">The header is short, or the payload does not start and end like a JPEG file.</exception>
    public static (uint Timestamp, ReadOnlyMemory<byte> Jpeg) ReadFrame(ReadOnlyMemory<byte> message)
    {
        ReadOnlySpan<byte> span = message.Span;
        if (span.Length < FrameHeaderBytes)
        {
            throw new LiveProtocolException($"frame: expected a {FrameHeaderBytes}-byte header, found {span.Length} bytes");
        }

        ReadOnlySpan<byte> jpeg = span[FrameHeaderBytes..];
        if (jpeg.Length < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF)
        {
            throw new LiveProtocolException($"malformed JPEG: expected a file starting FF D8 FF, found {Convert.ToHexString(jpeg[..Math.Min(3, jpeg.Length)])}");
        }

        // ImageSharp decodes a JPEG cut short without an error (the missing part grey): a complete file ends with EOI.
        if (jpeg.Length < 4 || jpeg[^2] != 0xFF || jpeg[^1] != 0xD9)
        {
            throw new LiveProtocolException($"malformed JPEG: expected a complete file ending FF D9 (EOI), found one ending {Convert.ToHexString(jpeg[^Math.Min(2, jpeg.Length)..])}");
        }

        return (BinaryPrimitives.ReadUInt32LittleEndian(span[1..]), message[FrameHeaderBytes..]);
    }

    /// <summary>Cuts a close reason to what a close frame can carry.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The reason, cut to at most <see cref="MaxCloseReasonBytes"/> UTF-8 bytes (ending in "...") when longer.</returns>
    public static string CloseReason(string reason)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes)
        {
            return reason;
        }

        int length = Math.Min(reason.Length, MaxCloseReasonBytes - 3);
        while (length > 0 && (System.Text.Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > MaxCloseReasonBytes - 3 || char.IsHighSurrogate(reason[length - 1])))
        {
            length--;
        }

        return string.Concat(reason.AsSpan(0, length), "...");
    }
}

/// <summary>A client broke the live protocol; the message is the close reason (1008).</summary>
internal sealed class LiveProtocolException(string message) : Exception(message);
