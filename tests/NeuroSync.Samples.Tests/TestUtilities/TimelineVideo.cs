using System.Diagnostics;
using NeuroSync.Cli;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>
/// A 30 s test video made at test time by ffmpeg, in three 10 s stretches, so that a timeline's mask must change where
/// the input does: 0-10 s the smiling astronaut (public domain) with quiet speech, 10-20 s the astronaut in digital
/// silence, 20-30 s a covered camera with speech again. 320x240 at 10 frames per second (H.264), 16 kHz mono AAC;
/// about 200 KB, in a temporary folder deleted with the fixture.
/// </summary>
/// <remarks>The inputs are committed elsewhere: <c>Assets/astronaut_640x480.png</c> (the CLI's sample photo),
/// <c>covered_camera_640x480.png</c> (a uniform grey frame with faint noise) and <c>en_0_rms0.002.wav</c> (espeak-ng
/// speech at RMS 0.002 made by <c>tools/audio/make_level_clips.py</c>, looped), both from <c>tests/NeuroSync.Tests/TestData</c>. ffmpeg is a
/// test dependency already (<c>tools/ci/install-test-deps.sh</c>), so nothing generated is committed.</remarks>
public sealed class TimelineVideo : IDisposable
{
    /// <summary>The video's length in seconds.</summary>
    public const double Seconds = 30;

    /// <summary>The frame rate.</summary>
    public const int FramesPerSecond = 10;

    /// <summary>Where the silent stretch starts and ends, in seconds.</summary>
    public static readonly (double From, double To) Silent = (10, 20);

    /// <summary>Where the covered stretch starts and ends, in seconds.</summary>
    public static readonly (double From, double To) Covered = (20, 30);

    private static readonly string Inputs = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "Timeline");

    public TimelineVideo()
    {
        Ffmpeg = VideoExtraction.FindFfmpeg(Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("expected ffmpeg on PATH, found none: install it with 'apt-get install -y ffmpeg' (.ci/run does).");
        Folder = Directory.CreateTempSubdirectory("neurosync-timeline-test-").FullName;
        Path = System.IO.Path.Combine(Folder, "timeline.mp4");
        string face = Assets.FacePng;
        string covered = System.IO.Path.Combine(Inputs, "covered_camera_640x480.png");
        string speech = System.IO.Path.Combine(Inputs, "en_0_rms0.002.wav");
        string filter = string.Join(';',
            "[0:v]scale=320:240,setsar=1[face]",
            "[1:v]scale=320:240,setsar=1[covered]",
            "[face][covered]concat=n=2:v=1:a=0,format=yuv420p[v]",
            $"[2:a]atrim=0:{Seconds},asetpts=N/SR/TB,volume='if(between(t,{Silent.From},{Silent.To}),0,1)':eval=frame[a]");
        Run(
            "-loop", "1", "-framerate", $"{FramesPerSecond}", "-t", $"{Covered.From}", "-i", face,
            "-loop", "1", "-framerate", $"{FramesPerSecond}", "-t", $"{Covered.To - Covered.From}", "-i", covered,
            "-stream_loop", "-1", "-i", speech,
            "-filter_complex", filter, "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-crf", "30", "-g", "50", "-c:a", "aac", "-b:a", "48k", "-ar", "16000", "-ac", "1", Path);
    }

    /// <summary>Gets the ffmpeg executable.</summary>
    public string Ffmpeg { get; }

    /// <summary>Gets the temporary folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the video file.</summary>
    public string Path { get; }

    /// <summary>Runs ffmpeg (no stdin, errors only, overwriting) and fails the test when it fails.</summary>
    public void Run(params string[] args)
    {
        var start = new ProcessStartInfo(Ffmpeg) { RedirectStandardError = true };
        foreach (string arg in (string[])["-nostdin", "-loglevel", "error", "-y", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg failed: {error}");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
