using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Cli.Timeline;

/// <summary>The frames of a recording, read one at a time in time order.</summary>
internal interface ITimelineFrames : IAsyncDisposable
{
    /// <summary>Reads the next frame.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The frame, valid until the next call, or <see langword="null"/> after the last one.</returns>
    ValueTask<ITimelineFrame?> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>One frame of a recording.</summary>
internal interface ITimelineFrame
{
    /// <summary>Gets the frame's time on the recording's clock.</summary>
    TimeSpan Time { get; }

    /// <summary>Makes a new image of the frame (the stream takes each image it is given, even one it refuses, so a frame
    /// that has to be written again needs a new one).</summary>
    /// <returns>An image the caller owns.</returns>
    Image<Rgb24> CreateImage();
}
