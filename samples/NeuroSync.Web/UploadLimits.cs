namespace NeuroSync.Web;

/// <summary>How much a client may send to <c>/api/predict</c> (configuration section <c>Upload</c>): every limit of the
/// endpoint, bound from configuration and validated at start-up (<see cref="UploadLimitsValidator"/>); the live mode's are
/// <see cref="Live.LiveOptions"/> (section <c>Live</c>).</summary>
/// <remarks>The defaults fit the page's five-second clips (a 48 kHz 16-bit WAV is under 0.5 MB, each JPEG frame tens of
/// kilobytes) with a wide margin, while keeping what one request can make the server hold in memory small.</remarks>
public sealed class UploadLimits
{
    /// <summary>The configuration section the limits are bound from.</summary>
    public const string SectionName = "Upload";

    /// <summary>Gets or sets the largest request body, in bytes; larger requests get HTTP 413. Default 20 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Gets or sets the largest <c>audio</c> part, in bytes. Default 16 MiB (about 87 s of 48 kHz 16-bit stereo).</summary>
    public int MaxAudioBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets the largest single <c>frames</c> part, in bytes. Default 4 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the most <c>frames</c> parts one request may have. Default 64 (about 20 s at the page's rate).</summary>
    public int MaxFrames { get; set; } = 64;

    /// <summary>Gets or sets the most pixels one frame may have; larger images are refused before they are decoded. Default 4096 x 4096.</summary>
    public long MaxFramePixels { get; set; } = 4096L * 4096;

    /// <summary>Gets or sets the most pixels of all frames of one request together, counted as they are decoded: a frame
    /// past it gets HTTP 413. Default 64 Mi pixels (about 200 MB decoded; 64 frames of 1280x720 fit), since compressed frames
    /// can be tiny (a blank 4096x4096 PNG is 2 KB) while each decoded pixel takes 3 bytes.</summary>
    public long MaxTotalFramePixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets how many requests are analysed at once; more wait in a queue. Default 4: each may hold up to
    /// <see cref="MaxTotalFramePixels"/> decoded, and two cores gain nothing from more.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Gets or sets how many requests may wait for one of the <see cref="MaxConcurrentRequests"/>, oldest first;
    /// more get HTTP 429 at once. Default 32. A waiting request's body is not read yet, so it holds little.</summary>
    public int MaxQueuedRequests { get; set; } = 32;

    /// <summary>Gets or sets the most headers one multipart part may have; more get HTTP 400. Default 16 (a browser sends 2).</summary>
    public int MaxPartHeaders { get; set; } = 16;

    /// <summary>Gets or sets the most bytes of headers one multipart part may have; more get HTTP 400. Default 16 KiB.</summary>
    public int MaxPartHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Lists what is wrong with the limits, naming each configuration key.</summary>
    /// <returns>The failures; empty when the limits are usable.</returns>
    internal IEnumerable<string> Validate()
    {
        if (MaxRequestBytes < 1)
        {
            yield return $"{SectionName}:{nameof(MaxRequestBytes)}: expected 1 or more, found {MaxRequestBytes}.";
        }

        if (MaxAudioBytes < 1)
        {
            yield return $"{SectionName}:{nameof(MaxAudioBytes)}: expected 1 or more, found {MaxAudioBytes}.";
        }

        if (MaxFrameBytes < 1)
        {
            yield return $"{SectionName}:{nameof(MaxFrameBytes)}: expected 1 or more, found {MaxFrameBytes}.";
        }

        if (MaxFrames < 1)
        {
            yield return $"{SectionName}:{nameof(MaxFrames)}: expected 1 or more, found {MaxFrames}.";
        }

        if (MaxFramePixels < 1)
        {
            yield return $"{SectionName}:{nameof(MaxFramePixels)}: expected 1 or more, found {MaxFramePixels}.";
        }

        if (MaxTotalFramePixels < MaxFramePixels)
        {
            yield return $"{SectionName}:{nameof(MaxTotalFramePixels)}: expected at least {nameof(MaxFramePixels)} ({MaxFramePixels}), found {MaxTotalFramePixels}.";
        }

        if (MaxConcurrentRequests < 1)
        {
            yield return $"{SectionName}:{nameof(MaxConcurrentRequests)}: expected 1 or more, found {MaxConcurrentRequests}.";
        }

        if (MaxQueuedRequests < 0)
        {
            yield return $"{SectionName}:{nameof(MaxQueuedRequests)}: expected 0 or more, found {MaxQueuedRequests}.";
        }

        if (MaxPartHeaders < 1)
        {
            yield return $"{SectionName}:{nameof(MaxPartHeaders)}: expected 1 or more, found {MaxPartHeaders}.";
        }

        if (MaxPartHeaderBytes < 1)
        {
            yield return $"{SectionName}:{nameof(MaxPartHeaderBytes)}: expected 1 or more, found {MaxPartHeaderBytes}.";
        }
    }
}
