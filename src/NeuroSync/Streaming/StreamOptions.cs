namespace NeuroSync.Streaming;

/// <summary>Settings of an <see cref="EmotionStreamSession"/>.</summary>
public sealed class StreamOptions
{
    /// <summary>Gets or sets the time between updates: each update judges the window that ends at a multiple of it.
    /// Default 1 s; 100 ms to 60 s.</summary>
    public TimeSpan Hop { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the length of the window each update judges; <see langword="null"/> (the default) takes the
    /// model set's clip length (7 s for the original). At least <see cref="Hop"/>, at most 60 s.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Gets or sets the most frames a second the stream analyses; <see langword="null"/> (the default) analyses every
    /// frame written. With a cap, a frame is kept when it is the first of its <c>1 / MaxFrameRate</c> slot of stream time, and
    /// the others are ignored as if never written (not counted as dropped). The face path costs the same for every frame it
    /// analyses, so a 15 fps camera capped at 5 costs a third; each window still equals a clip call on the frames kept.
    /// 0.5 to 120.</summary>
    public double? MaxFrameRate { get; set; }

    /// <summary>Gets or sets how many frames the stream analyses at the same time, each on a thread-pool thread; 0 (the
    /// default) takes one per processor (at most 64), and 1 analyses each on the stream's loop, one after another. A frame's face search,
    /// crop and encoder run do not depend on the frames before it, so a producer faster than one core is kept up with by
    /// several; the results are still taken in arrival order, and a window waits for its frames, so every update is the
    /// same whatever the setting. At most this many frames are in flight beyond <see cref="MaxBacklog"/>. 0 to 64.</summary>
    public int MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets the recognition mode; <see langword="null"/> (the default) keeps the recognizer's.</summary>
    public RecognitionMode? Mode { get; set; }

    /// <summary>Gets or sets whether updates report modality contributions; <see langword="null"/> keeps the recognizer's.</summary>
    public bool? ComputeContributions { get; set; }

    /// <summary>Gets or sets how many written inputs (audio chunks and frames) may wait for the compute loop. A frame written
    /// while it is full is dropped and counted (<see cref="EmotionUpdate.DroppedFrames"/>); an audio write waits for room,
    /// so audio is never lost. Default 64; 1 to 10000.</summary>
    public int MaxBacklog { get; set; } = 64;

    /// <summary>Gets or sets how many updates may wait for a reader that is slower than the hop; beyond it the waiting ones
    /// are dropped and counted (<see cref="EmotionUpdate.SkippedUpdates"/>), their faces and events carried, in order, by
    /// the new one, so a slow reader gets the latest. Default 4; 1 to 1000.</summary>
    public int MaxPendingUpdates { get; set; } = 4;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the range and the value.</exception>
    public void Validate()
    {
        Require(Hop >= TimeSpan.FromMilliseconds(100) && Hop <= TimeSpan.FromSeconds(60), nameof(Hop), $"expected 100 ms to 60 s, found {Hop}");
        Require(Window is null || (Window >= Hop && Window <= TimeSpan.FromSeconds(60)), nameof(Window), $"expected the hop ({Hop}) to 60 s, found {Window}");
        Require(MaxFrameRate is null or (>= 0.5 and <= 120), nameof(MaxFrameRate), $"expected 0.5 to 120 frames a second, found {MaxFrameRate}");
        Require(MaxDegreeOfParallelism is >= 0 and <= 64, nameof(MaxDegreeOfParallelism), $"expected 0 (one per processor) to 64, found {MaxDegreeOfParallelism}");
        Require(Mode is null || Enum.IsDefined(Mode.Value), nameof(Mode), $"expected Robust or Original, found {(int?)Mode}");
        Require(MaxBacklog is >= 1 and <= 10_000, nameof(MaxBacklog), $"expected 1 to 10000, found {MaxBacklog}");
        Require(MaxPendingUpdates is >= 1 and <= 1000, nameof(MaxPendingUpdates), $"expected 1 to 1000, found {MaxPendingUpdates}");

        static void Require(bool condition, string name, string message)
        {
            if (!condition)
            {
                throw new ArgumentOutOfRangeException(name, $"StreamOptions.{name}: {message}.");
            }
        }
    }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public StreamOptions Clone() => (StreamOptions)MemberwiseClone();
}
