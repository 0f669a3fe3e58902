using NeuroSync.Streaming;

namespace NeuroSync.Tests.Streaming;

/// <summary>A stream is the same model as a clip call: each window's prediction equals <c>RecognizeAsync</c> on the
/// window's samples and frames, for every committed model set.</summary>
public sealed class EmotionStreamSessionExactnessTests
{
    public static TheoryData<string, RecognitionMode> Sets => new()
    {
        { "tiny", RecognitionMode.Original },
        { "lite", RecognitionMode.Original },
        { "tiny", RecognitionMode.Robust },
        { "lite", RecognitionMode.Robust },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task EveryWindow_EqualsRecognizeAsyncOnTheWindow(string set, RecognitionMode mode)
    {
        using var recognizer = EmotionRecognizer.Create(Path.Combine(AppContext.BaseDirectory, "Models", set), configure: o => o.Mode = mode);
        using StreamInputs inputs = StreamInputs.Recording(9.5, fps: set == "lite" ? 5 : 15);
        // Several frames at once whatever the machine's core count: the windows still equal the clip calls.
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxBacklog = 10_000, MaxPendingUpdates = 100, MaxDegreeOfParallelism = 3 });

        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        await inputs.WriteAllAsync(session);
        List<EmotionUpdate> updates = await reading;

        // Windows end at 1 s, 2 s, ... 9 s, and the final one at 10 s holds the last half second.
        Assert.Equal(Enumerable.Range(1, 10).Select(s => TimeSpan.FromSeconds(s)), updates.Select(u => u.WindowEnd));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), updates.Select(u => u.Sequence));
        Assert.True(updates[^1].IsFinal);
        Assert.All(updates.SkipLast(1), u => Assert.False(u.IsFinal));
        Assert.All(updates, u => Assert.Equal(TimeSpan.FromTicks(Math.Max(0, (u.WindowEnd - TimeSpan.FromSeconds(7)).Ticks)), u.WindowStart));

        foreach (EmotionUpdate update in updates)
        {
            EmotionPrediction expected = await recognizer.RecognizeAsync(inputs.Window(update.WindowStart, update.WindowEnd));
            Assert.Equal(expected.Mask, update.Mask);
            Assert.Equal(expected.Label, update.Prediction.Label);
            Assert.Equal(expected.Frames.Count, update.Prediction.Frames.Count);
            for (int i = 0; i < expected.Scores.Count; i++)
            {
                Assert.True(Math.Abs(expected.Scores[i] - update.Prediction.Scores[i]) <= Tolerances.StreamWindow, $"window ending {update.WindowEnd}, score {i}: clip {expected.Scores[i]}, stream {update.Prediction.Scores[i]}");
            }

            Assert.Equal(expected.Frames.Select(f => (f.FrameIndex, f.Status, f.Face)), update.Prediction.Frames.Select(f => (f.FrameIndex, f.Status, f.Face)));
        }

        // The input changes, and so does the mask: silence from 3 s to 5 s (windows that are all silence do not exist with a
        // 7 s window, so the audio stays available) and a covered camera from 6 s to 7.5 s, which covers the 7 s window's
        // last second only. What matters is that the comparison above ran on windows of every kind the input has.
        Assert.Contains(updates, u => u.Prediction.Frames.Count > 0);

        // Per-frame scores come from a per-frame classifier (the lite set's), as probabilities; the tiny set's encoder gives
        // features, not scores.
        StreamFace[] faces = [.. updates.SelectMany(u => u.Faces)];
        if (set == "lite")
        {
            Assert.Contains(faces, f => f.Scores is { Count: 7 } p && Math.Abs(p.Sum() - 1f) < 1e-3f);
        }
        else
        {
            Assert.All(faces, f => Assert.Null(f.Scores));
        }
    }

    [Fact]
    public async Task MaxFrameRate_KeepsTheFirstFrameOfEachSlot_AndEachWindowEqualsRecognizeAsyncOnTheFramesKept()
    {
        using var recognizer = EmotionRecognizer.Create(Path.Combine(AppContext.BaseDirectory, "Models", "lite"));
        using StreamInputs inputs = StreamInputs.Recording(9.5, fps: 15);
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxFrameRate = 5, MaxBacklog = 10_000, MaxPendingUpdates = 100 });

        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        await inputs.WriteAllAsync(session);
        List<EmotionUpdate> updates = await reading;

        // 15 fps capped at 5: frames 0, 3, 6, ... (the first of each 200 ms), 48 of the 143, none of them counted as dropped.
        static bool Kept(TimeSpan time) => (int)Math.Round(time.TotalSeconds * 15) % 3 == 0;
        Assert.Equal(inputs.Frames.Where(f => Kept(f.Time)).Select(f => f.Time), updates.SelectMany(u => u.Faces).Select(f => f.Timestamp));
        Assert.Equal(48, updates.Sum(u => u.Faces.Count));
        Assert.Equal(0, session.DroppedFrames);
        foreach (EmotionUpdate update in updates)
        {
            EmotionPrediction expected = await recognizer.RecognizeAsync(inputs.Window(update.WindowStart, update.WindowEnd, Kept));
            Assert.Equal(expected.Mask, update.Mask);
            Assert.Equal(expected.Frames.Count, update.Prediction.Frames.Count);
            for (int i = 0; i < expected.Scores.Count; i++)
            {
                Assert.True(Math.Abs(expected.Scores[i] - update.Prediction.Scores[i]) <= Tolerances.StreamWindow, $"window ending {update.WindowEnd}, score {i}: clip {expected.Scores[i]}, stream {update.Prediction.Scores[i]}");
            }
        }
    }

    private static async Task<List<EmotionUpdate>> ReadAllAsync(EmotionStreamSession session)
    {
        var updates = new List<EmotionUpdate>();
        await foreach (EmotionUpdate update in session.ReadUpdatesAsync())
        {
            updates.Add(update);
        }

        return updates;
    }
}
