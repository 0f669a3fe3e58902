using NeuroSync.Streaming;

namespace NeuroSync.Web.Live;

/// <summary>The live mode's limits and settings (configuration section <c>Live</c>): who may connect to <c>/api/live</c>,
/// how many at once, and how much one socket may send.</summary>
/// <remarks>The defaults fit the page (16 kHz mono audio in 100 ms chunks, a 640-pixel JPEG 8 times a second, tens of
/// kilobytes each) with a wide margin, and keep what one socket can make the server hold or compute small: the stream's
/// backlog, the message buffer and the outgoing queue are bounded, and so is the input rate (frames faster than
/// <see cref="MaxFramesPerSecond"/> are dropped, audio faster than real time is read more slowly).</remarks>
public sealed class LiveOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Live";

    /// <summary>The sample rate the protocol's audio messages must have.</summary>
    public const int SampleRate = 16_000;

    /// <summary>Gets or sets the most live sessions at once; a handshake beyond it gets HTTP 503. Default 4: with the lite
    /// set, a session at the page's 8 frames a second costs about a third of a core (the stream's analysis of each frame
    /// and the per-frame face box), so four fit on two cores; raise it with the cores.</summary>
    public int MaxSessions { get; set; } = 4;

    /// <summary>Gets the origins (<c>scheme://host[:port]</c>) allowed besides the server's own; <c>*</c> allows any. Empty
    /// by default: only pages served by this server (the same scheme, host and port) may open a live socket.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Gets or sets a value indicating whether a handshake without an <c>Origin</c> header is accepted. Default
    /// <see langword="true"/>: browsers always send one, so the check protects pages; programs can send any origin anyway.</summary>
    public bool AllowMissingOrigin { get; set; } = true;

    /// <summary>Gets or sets the time between updates (<see cref="StreamOptions.Hop"/>). Default 1 s.</summary>
    public TimeSpan Hop { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the window each update judges (<see cref="StreamOptions.Window"/>); <see langword="null"/>
    /// (the default) takes the model set's clip length (7 s for the lite and original sets).</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Gets or sets how many inputs may wait for a session's compute loop (<see cref="StreamOptions.MaxBacklog"/>);
    /// a frame that finds it full is dropped and counted. Default 16 (about a second of the page's input): each waiting frame
    /// is a decoded image (0.9 MB at 640 x 480), so this bounds a session's memory.</summary>
    public int MaxBacklog { get; set; } = 16;

    /// <summary>Gets or sets how many updates may wait for the socket (<see cref="StreamOptions.MaxPendingUpdates"/>). Default 4.</summary>
    public int MaxPendingUpdates { get; set; } = 4;

    /// <summary>Gets or sets the largest message a client may send, in bytes; a larger one closes the socket (1008).
    /// Default 512 KiB (the page's JPEGs are 30 to 100 KB).</summary>
    public int MaxMessageBytes { get; set; } = 512 * 1024;

    /// <summary>Gets or sets the longest audio chunk, in milliseconds; a longer one closes the socket (1008). Default 1000
    /// (the page sends 100 ms).</summary>
    public int MaxAudioChunkMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets the most pixels a frame may have; a larger one closes the socket (1008), refused from its header
    /// before it is decoded. Default 1920 x 1080.</summary>
    public long MaxFramePixels { get; set; } = 1920L * 1080;

    /// <summary>Gets or sets the most frames per second a session takes, on the page's clock; frames beyond it are dropped
    /// and counted (a burst of two is allowed, so timer jitter costs nothing). Default 10.</summary>
    public double MaxFramesPerSecond { get; set; } = 10;

    /// <summary>Gets or sets the frame rate the page is asked to send (in the <c>ready</c> message). Default 8.</summary>
    public int PageFramesPerSecond { get; set; } = 8;

    /// <summary>Gets or sets how far the page's clock may run ahead of the server's (both start at the handshake): frames
    /// stamped later than that are dropped and counted, and audio that runs further ahead is read more slowly. Default 2 s.</summary>
    public TimeSpan MaxClockLead { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long a socket may go without sending a message; then it is closed (1008). Default 10 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long the server waits for the client's half of a close handshake (and for one send to a
    /// client that does not read) before it drops the connection. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many messages may wait to be sent to one client; beyond it, new ones are dropped (counted in
    /// the log). Default 64 (the page reads them at once; about 6 s of face boxes and updates).</summary>
    public int MaxQueuedMessages { get; set; } = 64;

    /// <summary>Gets or sets a value indicating whether the server sends the face box of every frame as soon as it is known:
    /// the stream's own, as it analyses each frame, or, for a model set whose frame stride is over 1 (the stream analyses
    /// only some frames), from a second face detection per frame on the socket's thread. Default <see langword="true"/>;
    /// when <see langword="false"/>, the page shows the faces that arrive with each update.</summary>
    public bool PerFrameFaceBoxes { get; set; } = true;

    /// <summary>Gets the longest audio chunk in samples.</summary>
    internal int MaxAudioChunkSamples => (int)((long)MaxAudioChunkMilliseconds * SampleRate / 1000);

    /// <summary>Gets the stream settings of one session.</summary>
    /// <returns>New settings.</returns>
    internal StreamOptions ToStreamOptions() => new()
    {
        Hop = Hop,
        Window = Window,
        MaxBacklog = MaxBacklog,
        MaxPendingUpdates = MaxPendingUpdates,
    };

    /// <summary>Lists what is wrong with the options, naming each configuration key.</summary>
    /// <returns>The failures; empty when the options are usable.</returns>
    internal IEnumerable<string> Validate()
    {
        if (MaxSessions < 1)
        {
            yield return Fail(nameof(MaxSessions), "1 or more", MaxSessions);
        }

        for (int i = 0; i < AllowedOrigins.Count; i++)
        {
            if (AllowedOrigins[i] != LiveOriginPolicy.AnyOrigin && LiveOriginPolicy.Normalise(AllowedOrigins[i]) is null)
            {
                yield return $"{SectionName}:{nameof(AllowedOrigins)}:{i}: expected '*' or an origin such as 'https://example.com:8443' (scheme, host and port only), found '{AllowedOrigins[i]}'.";
            }
        }

        string? stream = null;
        try
        {
            ToStreamOptions().Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // StreamOptions names its own setting ("StreamOptions.Hop: expected ..."); the configuration key is ours.
            stream = ex.Message.Replace("StreamOptions.", $"{SectionName}:", StringComparison.Ordinal);
            int parameter = stream.IndexOf(" (Parameter", StringComparison.Ordinal);
            stream = parameter >= 0 ? stream[..parameter] : stream;
        }

        if (stream is not null)
        {
            yield return stream;
        }

        if (MaxMessageBytes is < 1024 or > 64 * 1024 * 1024)
        {
            yield return Fail(nameof(MaxMessageBytes), "1024 to 67108864", MaxMessageBytes);
        }

        if (MaxAudioChunkMilliseconds is < 10 or > 10_000)
        {
            yield return Fail(nameof(MaxAudioChunkMilliseconds), "10 to 10000", MaxAudioChunkMilliseconds);
        }
        else if (LiveProtocol.AudioHeaderBytes + (2L * MaxAudioChunkSamples) > MaxMessageBytes)
        {
            yield return $"{SectionName}:{nameof(MaxAudioChunkMilliseconds)}: expected a chunk that fits in {nameof(MaxMessageBytes)} ({MaxMessageBytes} bytes), found {MaxAudioChunkMilliseconds} ms ({LiveProtocol.AudioHeaderBytes + (2L * MaxAudioChunkSamples)} bytes).";
        }

        if (MaxFramePixels < 1)
        {
            yield return Fail(nameof(MaxFramePixels), "1 or more", MaxFramePixels);
        }

        if (!double.IsFinite(MaxFramesPerSecond) || MaxFramesPerSecond is < 0.1 or > 120)
        {
            yield return Fail(nameof(MaxFramesPerSecond), "0.1 to 120", MaxFramesPerSecond);
        }

        if (PageFramesPerSecond < 1 || PageFramesPerSecond > MaxFramesPerSecond)
        {
            yield return $"{SectionName}:{nameof(PageFramesPerSecond)}: expected 1 to {nameof(MaxFramesPerSecond)} ({MaxFramesPerSecond}), found {PageFramesPerSecond}.";
        }

        if (MaxClockLead < TimeSpan.Zero || MaxClockLead > TimeSpan.FromMinutes(1))
        {
            yield return Fail(nameof(MaxClockLead), "00:00:00 to 00:01:00", MaxClockLead);
        }

        if (IdleTimeout < TimeSpan.FromMilliseconds(100) || IdleTimeout > TimeSpan.FromHours(1))
        {
            yield return Fail(nameof(IdleTimeout), "00:00:00.1 to 01:00:00", IdleTimeout);
        }

        if (CloseTimeout < TimeSpan.FromMilliseconds(100) || CloseTimeout > TimeSpan.FromMinutes(5))
        {
            yield return Fail(nameof(CloseTimeout), "00:00:00.1 to 00:05:00", CloseTimeout);
        }

        if (MaxQueuedMessages is < 1 or > 10_000)
        {
            yield return Fail(nameof(MaxQueuedMessages), "1 to 10000", MaxQueuedMessages);
        }

        static string Fail(string key, string expected, object found) =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SectionName}:{key}: expected {expected}, found {found}.");
    }
}
