using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Cli.Timeline;

/// <summary>
/// The frames of a video file, decoded by ffmpeg into a pipe as raw RGB, one frame at a time, each with its presentation
/// time: ffmpeg's <c>showinfo</c> filter, last in the chain, prints every frame's time and size on stderr before the
/// frame reaches the pipe, so the k-th line describes the k-th frame read.
/// </summary>
/// <remarks><c>-fps_mode passthrough</c> keeps ffmpeg from duplicating or dropping frames after the filter (which would
/// break that pairing); with <c>fps</c> set, ffmpeg's <c>fps</c> filter first resamples the video to that rate. Times are
/// those ffmpeg gives (the earliest stream of the file starts at 0); a missing or decreasing time takes the previous
/// frame's, so the stream never drops a frame for its time.</remarks>
internal sealed partial class VideoFrames : ITimelineFrames
{
    private readonly FfmpegPipe _pipe;
    private readonly Channel<(TimeSpan Time, int Width, int Height)> _frames = Channel.CreateUnbounded<(TimeSpan, int, int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly long _maxPixels = new FrameLoader().MaxPixels;
    private readonly Frame _frame = new();
    private TimeSpan _last = TimeSpan.Zero;

    private VideoFrames(string ffmpeg, string file, double? fps)
    {
        string filters = (fps is { } rate ? string.Create(CultureInfo.InvariantCulture, $"fps={rate:0.######},") : string.Empty) + "format=rgb24,showinfo=checksum=0";
        _pipe = FfmpegPipe.Start(
            ffmpeg,
            file,
            ["-i", file, "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filters, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            "info",
            OnLine);
        _ = _pipe.ErrorsEnded.ContinueWith(_ => _frames.Writer.TryComplete(), TaskScheduler.Default);
    }

    /// <summary>Starts ffmpeg on a file's first video stream.</summary>
    /// <param name="ffmpeg">The executable.</param>
    /// <param name="file">The video file.</param>
    /// <param name="fps">A rate to resample the video to first, or <see langword="null"/> for every frame at its own time.</param>
    /// <returns>The frames, to dispose.</returns>
    public static VideoFrames Start(string ffmpeg, string file, double? fps) => new(ffmpeg, file, fps);

    /// <inheritdoc/>
    public async ValueTask<ITimelineFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await _frames.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !_frames.Reader.TryRead(out var next))
        {
            // No more frames: ffmpeg has ended; a failure is an error, whatever was read before.
            if (await _pipe.Output.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new CliInputException("--video: expected ffmpeg's frames to match its frame descriptions (showinfo), found more data; is the ffmpeg too old or too new?");
            }

            await _pipe.CheckExitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        if ((long)next.Width * next.Height > _maxPixels)
        {
            throw new CliInputException($"--video: expected frames of at most {_maxPixels} pixels, found {next.Width}x{next.Height}.");
        }

        int length = next.Width * next.Height * 3;
        if (_frame.Pixels.Length != length)
        {
            _frame.Pixels = new byte[length];
        }

        try
        {
            await _pipe.Output.ReadExactlyAsync(_frame.Pixels, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            await _pipe.CheckExitAsync(cancellationToken).ConfigureAwait(false);
            throw new CliInputException("--video: expected a whole frame from ffmpeg, found the pipe ending inside one.");
        }

        // A missing time (NOPTS) or one before the previous frame's takes the previous frame's.
        _last = next.Time < _last ? _last : next.Time;
        (_frame.Time, _frame.Width, _frame.Height) = (_last, next.Width, next.Height);
        return _frame;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _pipe.DisposeAsync();

    /// <summary>Parses one <c>showinfo</c> line: the frame's time and size.</summary>
    /// <param name="line">A stderr line.</param>
    /// <param name="time">The time (<see cref="TimeSpan.MinValue"/> for NOPTS).</param>
    /// <param name="width">The width.</param>
    /// <param name="height">The height.</param>
    /// <returns>Whether the line describes a frame.</returns>
    internal static bool TryParseShowInfo(string line, out TimeSpan time, out int width, out int height)
    {
        Match m = ShowInfoPattern().Match(line);
        (time, width, height) = (TimeSpan.MinValue, 0, 0);
        if (!m.Success)
        {
            return false;
        }

        if (double.TryParse(m.Groups[1].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds))
        {
            time = TimeSpan.FromTicks((long)Math.Round(Math.Max(0, seconds) * TimeSpan.TicksPerSecond));
        }

        width = int.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
        height = int.Parse(m.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
        return true;
    }

    private bool OnLine(string line)
    {
        if (!line.Contains("Parsed_showinfo", StringComparison.Ordinal))
        {
            return false;
        }

        if (TryParseShowInfo(line, out TimeSpan time, out int width, out int height))
        {
            _frames.Writer.TryWrite((time, width, height));
        }

        return true;
    }

    // "[Parsed_showinfo_1 @ 0x...] n:   0 pts:      0 pts_time:0       pos: 48 fmt:rgb24 sar:1/1 s:320x240 i:P iskey:1 type:I ..."
    [GeneratedRegex(@"\] n:\s*\d+\s+pts:\s*\S+\s+pts_time:(\S+)\s.*?\bs:(\d+)x(\d+)\b")]
    private static partial Regex ShowInfoPattern();

    private sealed class Frame : ITimelineFrame
    {
        public byte[] Pixels { get; set; } = [];

        public int Width { get; set; }

        public int Height { get; set; }

        public TimeSpan Time { get; set; }

        public Image<Rgb24> CreateImage() => Image.LoadPixelData<Rgb24>(Pixels, Width, Height);
    }
}
