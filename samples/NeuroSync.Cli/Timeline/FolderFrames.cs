using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Cli.Timeline;

/// <summary>The images of a folder as the frames of a recording: in name order, the k-th (from 0) at <c>k / fps</c>,
/// each decoded (safely, by <see cref="FrameLoader"/>) when it is read, so only one is in memory at a time.</summary>
internal sealed class FolderFrames : ITimelineFrames
{
    private readonly IReadOnlyList<string> _files;
    private readonly double _fps;
    private readonly FrameLoader _loader = new();
    private readonly Frame _frame = new();
    private int _next;

    /// <summary>Creates the frames.</summary>
    /// <param name="files">The image files, in clip order.</param>
    /// <param name="fps">The frame rate.</param>
    public FolderFrames(IReadOnlyList<string> files, double fps)
    {
        _files = files;
        _fps = fps;
    }

    /// <summary>Gets the recording's duration: one frame period per image.</summary>
    public TimeSpan Duration => TimeAt(_files.Count);

    /// <inheritdoc/>
    public ValueTask<ITimelineFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _frame.Image?.Dispose();
        _frame.Image = null;
        if (_next >= _files.Count)
        {
            return ValueTask.FromResult<ITimelineFrame?>(null);
        }

        _frame.Time = TimeAt(_next);
        _frame.Image = _loader.Load(_files[_next++]);
        return ValueTask.FromResult<ITimelineFrame?>(_frame);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _frame.Image?.Dispose();
        _frame.Image = null;
        return ValueTask.CompletedTask;
    }

    private TimeSpan TimeAt(int index) => TimeSpan.FromTicks((long)Math.Round(index * TimeSpan.TicksPerSecond / _fps));

    private sealed class Frame : ITimelineFrame
    {
        public Image<Rgb24>? Image { get; set; }

        public TimeSpan Time { get; set; }

        public Image<Rgb24> CreateImage() => Image!.Clone();
    }
}
