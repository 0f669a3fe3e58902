using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuroSync.Cli.Timeline;

/// <summary>What ffmpeg says about a media file before decoding it: its duration and whether it has a video and an audio stream.</summary>
/// <param name="Duration">The container's duration, or <see langword="null"/> when ffmpeg does not know it (<c>N/A</c>).</param>
/// <param name="HasVideo">Whether the file has a video stream (the first one is read).</param>
/// <param name="HasAudio">Whether the file has an audio stream (the first one is read).</param>
internal sealed partial record MediaProbe(TimeSpan? Duration, bool HasVideo, bool HasAudio)
{
    /// <summary>Asks ffmpeg (<c>ffmpeg -i file</c>, which lists the input and stops without an output).</summary>
    /// <param name="ffmpeg">The executable.</param>
    /// <param name="file">The file.</param>
    /// <param name="cancellationToken">Stops ffmpeg.</param>
    /// <returns>The probe.</returns>
    /// <exception cref="CliInputException">ffmpeg cannot read the file, or it has neither a video nor an audio stream.</exception>
    public static async Task<MediaProbe> RunAsync(string ffmpeg, string file, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await using FfmpegPipe pipe = FfmpegPipe.Start(ffmpeg, file, ["-i", file], "info", line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }

            return false;
        });
        await pipe.Output.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        await pipe.ErrorsEnded.WaitAsync(cancellationToken).ConfigureAwait(false);
        MediaProbe? probe;
        lock (lines)
        {
            probe = Parse(lines);
        }

        // Without an output ffmpeg always exits with an error; only a missing input section means it could not read the file.
        if (probe is null)
        {
            throw pipe.Failure();
        }

        if (!probe.HasVideo && !probe.HasAudio)
        {
            throw new CliInputException($"Video '{Path.GetFileName(file)}': expected a video or audio stream, found neither.");
        }

        return probe;
    }

    /// <summary>Reads ffmpeg's description of its input.</summary>
    /// <param name="lines">ffmpeg's stderr lines.</param>
    /// <returns>The probe, or <see langword="null"/> when there is no input section (ffmpeg could not read the file).</returns>
    internal static MediaProbe? Parse(IEnumerable<string> lines)
    {
        bool input = false, video = false, audio = false;
        TimeSpan? duration = null;
        foreach (string line in lines)
        {
            input |= line.StartsWith("Input #0", StringComparison.Ordinal);
            if (DurationPattern().Match(line) is { Success: true } d)
            {
                duration = TimeSpan.FromHours(int.Parse(d.Groups[1].ValueSpan, CultureInfo.InvariantCulture))
                    + TimeSpan.FromMinutes(int.Parse(d.Groups[2].ValueSpan, CultureInfo.InvariantCulture))
                    + TimeSpan.FromSeconds(double.Parse(d.Groups[3].ValueSpan, CultureInfo.InvariantCulture));
            }

            if (StreamPattern().Match(line) is { Success: true } s)
            {
                video |= s.Groups[1].ValueSpan is "Video";
                audio |= s.Groups[1].ValueSpan is "Audio";
            }
        }

        return input ? new MediaProbe(duration, video, audio) : null;
    }

    [GeneratedRegex(@"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*Stream #0:\d+\S*: (Video|Audio):")]
    private static partial Regex StreamPattern();
}
