using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace NeuroSync.Cli;

/// <summary>
/// A video file's sampled frames and its sound, extracted by <c>ffmpeg</c> into a private temporary folder that
/// <see cref="Dispose"/> deletes, whatever happened.
/// </summary>
/// <remarks>
/// ffmpeg rather than a managed decoder: no .NET package decodes the common containers and codecs, and the original
/// system used ffmpeg for its audio too. Only the frames the pipeline samples are written (ffmpeg's <c>select</c> filter
/// keeps the 10th, 20th, ... frame, 1-based, in decode order), so a long clip costs a few images, not thousands. The audio
/// is converted to 16 kHz mono 16-bit PCM as the original's ffmpeg call did, so no resampling happens afterwards.
/// </remarks>
internal sealed class VideoExtraction : IDisposable
{
    private VideoExtraction(string folder, string? audioPath, IReadOnlyList<string> sampledFrames)
    {
        Folder = folder;
        AudioPath = audioPath;
        SampledFrames = sampledFrames;
    }

    /// <summary>Gets the private folder the files are in.</summary>
    public string Folder { get; }

    /// <summary>Gets the 16 kHz mono WAV, or <see langword="null"/> when the video has no audio stream.</summary>
    public string? AudioPath { get; }

    /// <summary>Gets the sampled frames (the stride-th, 2*stride-th, ... frame), as PNG files in clip order.</summary>
    public IReadOnlyList<string> SampledFrames { get; }

    /// <summary>Lays the sampled frames out as a whole clip for the pipeline, which samples every stride-th frame again.</summary>
    /// <param name="frameStride">The stride the frames were sampled with.</param>
    /// <returns>One entry per clip frame; position <c>k * stride - 1</c> is the k-th sampled frame, and the others (never
    /// read by the pipeline) repeat it, so no entry is missing.</returns>
    public IReadOnlyList<string> ClipLayout(int frameStride) =>
        [.. Enumerable.Range(0, SampledFrames.Count * frameStride).Select(i => SampledFrames[i / frameStride])];

    /// <summary>Finds <c>ffmpeg</c> on a search path.</summary>
    /// <param name="searchPath">The value of <c>PATH</c>.</param>
    /// <returns>The full path of the executable, or <see langword="null"/>.</returns>
    public static string? FindFfmpeg(string? searchPath)
    {
        string name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (string dir in (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Finds <c>ffmpeg</c> on <c>PATH</c> for a video file, or says what to install.</summary>
    /// <param name="file">The video file, for the message.</param>
    /// <returns>The full path of the executable.</returns>
    /// <exception cref="CliInputException">ffmpeg is not on PATH.</exception>
    public static string RequireFfmpeg(string file) => FindFfmpeg(Environment.GetEnvironmentVariable("PATH")) ?? throw new CliInputException(
        $"--video '{file}': expected ffmpeg on PATH to decode it, found none. Install ffmpeg (Debian: apt-get install ffmpeg), or extract the frames "
        + "and a WAV yourself and pass them with --frames and --audio.");

    /// <summary>Starts ffmpeg with redirected standard streams and the options every call uses (no stdin, no banner,
    /// no statistics, overwrite).</summary>
    /// <param name="ffmpeg">The executable.</param>
    /// <param name="arguments">The arguments after those options.</param>
    /// <param name="logLevel">ffmpeg's <c>-loglevel</c>: <c>error</c>, or <c>info</c> to read what filters such as <c>showinfo</c> print.</param>
    /// <returns>The started process, to dispose.</returns>
    /// <exception cref="CliInputException">The executable cannot be started.</exception>
    public static Process Start(string ffmpeg, IEnumerable<string> arguments, string logLevel = "error")
    {
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-nostdin", "-hide_banner", "-nostats", "-loglevel", logLevel, "-y", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new CliInputException($"--video: expected to start ffmpeg ({ffmpeg}), found it cannot run: {ex.Message}");
        }

        return process;
    }

    /// <summary>Extracts a video's sampled frames and its audio.</summary>
    /// <param name="file">The video file, known to exist.</param>
    /// <param name="frameStride">Every how many frames one is sampled.</param>
    /// <param name="maxSampledFrames">The most sampled frames to write.</param>
    /// <param name="cancellationToken">Stops ffmpeg.</param>
    /// <returns>The extraction, which the caller disposes.</returns>
    /// <exception cref="CliInputException">ffmpeg is not on PATH, or cannot read the file.</exception>
    public static async Task<VideoExtraction> ExtractAsync(string file, int frameStride, int maxSampledFrames, CancellationToken cancellationToken)
    {
        string ffmpeg = RequireFfmpeg(file);

        // Created readable by this user only, so other users cannot read or swap the extracted frames.
        string folder = Directory.CreateTempSubdirectory("neurosync-video-").FullName;
        try
        {
            string select = string.Create(CultureInfo.InvariantCulture, $"select=not(mod(n+1\\,{frameStride}))");
            bool hasVideo = await RunAsync(
                ffmpeg,
                ["-i", file, "-map", "0:v:0", "-vf", select, "-fps_mode", "passthrough", "-frames:v", maxSampledFrames.ToString(CultureInfo.InvariantCulture),
                 Path.Combine(folder, "frame%06d.png")],
                file,
                allowNoStream: true,
                cancellationToken).ConfigureAwait(false);
            string audio = Path.Combine(folder, "audio.wav");
            bool hasAudio = await RunAsync(
                ffmpeg, ["-i", file, "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", audio], file, allowNoStream: true, cancellationToken).ConfigureAwait(false);
            if (!hasVideo && !hasAudio)
            {
                throw new CliInputException($"Video '{Path.GetFileName(file)}': expected a video or audio stream, found neither.");
            }

            string[] frames = Directory.GetFiles(folder, "frame*.png");
            Array.Sort(frames, StringComparer.Ordinal);
            return new VideoExtraction(folder, hasAudio ? audio : null, frames);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <returns><see langword="false"/> when the stream asked for does not exist and <paramref name="allowNoStream"/> is set.</returns>
    private static async Task<bool> RunAsync(string ffmpeg, string[] arguments, string file, bool allowNoStream, CancellationToken cancellationToken)
    {
        using Process process = Start(ffmpeg, arguments);
        Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string stderr = await errors.ConfigureAwait(false);
        _ = await output.ConfigureAwait(false);
        if (process.ExitCode == 0)
        {
            return true;
        }

        if (allowNoStream && stderr.Contains("matches no streams", StringComparison.Ordinal))
        {
            return false;
        }

        string reason = stderr.ReplaceLineEndings(" ").Trim();
        throw new CliInputException($"Video '{Path.GetFileName(file)}': expected a video ffmpeg can decode, found ffmpeg failing ({reason}).");
    }
}
