using NeuroSync.Audio;
using NeuroSync.Streaming;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuroSync.Tests.Streaming;

/// <summary>A recording for stream tests: mono audio and timestamped frames, written to a session as a live source
/// would (each 100 ms, the frames of that span and then its audio), and cut into the windows a clip call would get.</summary>
internal sealed class StreamInputs : IDisposable
{
    private StreamInputs(float[] audio, int sampleRate, IReadOnlyList<(TimeSpan Time, Image<Rgb24> Image)> frames)
    {
        Audio = audio;
        SampleRate = sampleRate;
        Frames = frames;
    }

    public float[] Audio { get; }

    public int SampleRate { get; }

    public IReadOnlyList<(TimeSpan Time, Image<Rgb24> Image)> Frames { get; }

    /// <summary>Speech-like tones with a silent stretch, and a face at 15 fps that moves, with a covered-camera stretch.</summary>
    public static StreamInputs Recording(double seconds, int sampleRate = 16000, double fps = 15, int width = 320)
    {
        var audio = new float[(int)(seconds * sampleRate)];
        var random = new Random(7);
        for (int i = 0; i < audio.Length; i++)
        {
            double t = (double)i / sampleRate;
            bool silent = t is >= 3 and < 5;
            double envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 3 * t));
            audio[i] = silent ? 0f : (float)(envelope * ((0.2 * Math.Sin(2 * Math.PI * 220 * t)) + (0.1 * Math.Sin(2 * Math.PI * 660 * t)) + (0.02 * (random.NextDouble() - 0.5))));
        }

        using Image<Rgb24> face = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using Image<Rgb24> covered = Image.Load<Rgb24>(TestFiles.Path("Images", "covered_camera_640x480.png"));
        int height = width * 3 / 4;
        face.Mutate(x => x.Resize(width, height));
        covered.Mutate(x => x.Resize(width, height));
        var frames = new List<(TimeSpan, Image<Rgb24>)>();
        for (int k = 0; k < seconds * fps; k++)
        {
            TimeSpan time = TimeSpan.FromTicks((long)(k * TimeSpan.TicksPerSecond / fps));
            bool isCovered = time.TotalSeconds is >= 6 and < 7.5;
            Image<Rgb24> frame = (isCovered ? covered : face).Clone(x => x.Pad(width + 8, height, Color.Black));
            // The face drifts right by a pixel per frame within the padding, as a moving head would.
            frames.Add((time, frame.Clone(x => x.Crop(new Rectangle(8 - Math.Min(8, k % 9), 0, width, height)))));
            frame.Dispose();
        }

        return new StreamInputs(audio, sampleRate, frames);
    }

    /// <summary>Writes everything in 100 ms steps (frames first), then completes.</summary>
    public async Task WriteAllAsync(EmotionStreamSession session, CancellationToken cancellationToken = default)
    {
        int chunk = SampleRate / 10, next = 0;
        for (int start = 0; start < Audio.Length; start += chunk)
        {
            int length = Math.Min(chunk, Audio.Length - start);
            TimeSpan end = TimeSpan.FromSeconds((double)(start + length) / SampleRate);
            while (next < Frames.Count && Frames[next].Time < end)
            {
                Assert.True(session.TryWriteFrame(Frames[next].Image.Clone(), Frames[next].Time));
                next++;
            }

            await session.WriteAudioAsync(Audio.AsMemory(start, length), SampleRate, cancellationToken: cancellationToken);
        }

        session.Complete();
    }

    /// <summary>The clip a window stands for: its samples and its frames (those <paramref name="keep"/> keeps, or all).</summary>
    public EmotionInput Window(TimeSpan start, TimeSpan end, Func<TimeSpan, bool>? keep = null)
    {
        int from = (int)Math.Ceiling(start.TotalSeconds * SampleRate), to = Math.Min(Audio.Length, (int)Math.Ceiling(end.TotalSeconds * SampleRate));
        return new EmotionInput
        {
            Audio = to > from ? new AudioClip(Audio.AsMemory(from, to - from), SampleRate) : null,
            Frames = [.. Frames.Where(f => f.Time >= start && f.Time < end && (keep is null || keep(f.Time))).Select(f => new VideoFrame(f.Image, f.Time))],
        };
    }

    public void Dispose()
    {
        foreach (var (_, image) in Frames)
        {
            image.Dispose();
        }
    }
}
