namespace NeuroSync.Web.Live;

/// <summary>Drops the frames of a session that come faster than real time: denser than a rate on the page's own clock
/// (a token bucket: at most <c>rate</c> frames a second, bursts of <see cref="Burst"/>), stamped further ahead of the
/// server's clock than a lead, or stamped before the previous frame.</summary>
/// <param name="framesPerSecond">The most frames per second of page time.</param>
/// <param name="maxLeadMilliseconds">How far a frame's timestamp may be ahead of the server's clock.</param>
/// <remarks>Not thread-safe: one socket's receive loop owns it.</remarks>
internal sealed class FrameRateGate(double framesPerSecond, double maxLeadMilliseconds)
{
    /// <summary>The most frames taken at once after a pause: two, so a late timer tick followed by an on-time one costs nothing.</summary>
    public const double Burst = 2;

    private double _tokens = Burst;
    private long? _last;

    /// <summary>Decides whether a frame is taken.</summary>
    /// <param name="timestamp">The frame's timestamp (ms, page clock).</param>
    /// <param name="serverElapsedMilliseconds">The time since the session started on the server's clock.</param>
    /// <returns><see langword="true"/> to take the frame; <see langword="false"/> to drop it.</returns>
    public bool TryTake(long timestamp, double serverElapsedMilliseconds)
    {
        if (timestamp > serverElapsedMilliseconds + maxLeadMilliseconds || (_last is { } last && timestamp < last))
        {
            return false;
        }

        if (_last is { } previous)
        {
            _tokens = Math.Min(Burst, _tokens + ((timestamp - previous) * framesPerSecond / 1000));
        }

        _last = timestamp;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
