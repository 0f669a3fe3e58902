using NeuroSync.Audio;
using NeuroSync.Streaming;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Streaming;

/// <summary>The stream at the edges of its input: clocks that jump, input after the last window, audio too short to
/// judge, readers that miss many updates, disposal during a flush.</summary>
public sealed class EmotionStreamSessionEdgeTests
{
    private const int Rate = EmotionStreamSessionTests.Rate;

    private static readonly TimeSpan Hang = EmotionStreamSessionTests.Hang;

    [Fact]
    public async Task FrameClockJumpingHoursAhead_PassesOverTheEmptyWindows()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = EmotionStreamSessionTests.ReadAllAsync(session);

        Assert.True(session.TryWriteFrame(Frame(), TimeSpan.FromMilliseconds(100)));
        // A camera clock that jumps ten hours (36,000 hops) ahead, with no audio to keep the time.
        Assert.True(session.TryWriteFrame(Frame(), TimeSpan.FromHours(10)));
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        // The seven windows holding the first frame, then the one holding the second; nothing judged in between.
        Assert.Equal(8, updates.Sum(u => 1 + u.SkippedUpdates));
        Assert.Equal(TimeSpan.FromHours(10) + session.Hop, updates[^1].WindowEnd);
        Assert.True(updates[^1].IsFinal);
        Assert.Equal(2, updates.Sum(u => u.Faces.Count));
        Assert.Equal(7, updates[^1].Sequence);
    }

    [Fact]
    public async Task FramesAfterTheLastWindowWasJudged_ComeWithTheFinalUpdate()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = EmotionStreamSessionTests.ReadAllAsync(session);
        Task<List<StreamFace>> readingFaces = session.ReadFacesAsync().ToListAsync().AsTask();

        await session.WriteAudioAsync(EmotionStreamSessionTests.Tone(2), Rate);
        await session.FlushAsync();
        // Both windows are judged; the input then ends on a hop, so no window is left for these two frames.
        Assert.True(session.TryWriteFrame(Frame(), TimeSpan.FromMilliseconds(1500)));
        Assert.True(session.TryWriteFrame(Frame(), TimeSpan.FromMilliseconds(1400)));
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);
        List<StreamFace> faces = await readingFaces.WaitAsync(Hang);

        Assert.Single(faces);
        Assert.Equal(faces, updates.SelectMany(u => u.Faces));
        Assert.Equal(1, session.DroppedFrames);
        Assert.Equal(1, updates[^1].DroppedFrames);
        Assert.True(updates[^1].IsFinal);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 7)]
    public async Task OneFrameOf48kHzAudioLeftOver_CountsAsNoAudio_AndTheStreamEnds(bool voiceActivity, int windowSeconds)
    {
        // One frame at 48 kHz is less than one sample at the model's 16 kHz. With a window of one hop the last window holds
        // only it; with a detector, the last hop it judges does.
        var parts = new FakeStreamParts { VoiceActivity = voiceActivity ? new LoudnessVoiceActivity() : null };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { Window = TimeSpan.FromSeconds(windowSeconds) });
        Task<List<EmotionUpdate>> reading = EmotionStreamSessionTests.ReadAllAsync(session);

        float[] audio = [.. EmotionStreamSessionTests.Tone(2, 48000), 0.1f];
        await session.WriteAudioAsync(audio, 48000);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal([1.0, 2.0, 3.0], updates.Select(u => u.WindowEnd.TotalSeconds));
        Assert.True(updates[^1].IsFinal);
        Assert.Equal(windowSeconds == 1 ? AudioStatus.Missing : AudioStatus.Available, updates[^1].Mask.Audio);
    }

    [Fact]
    public async Task OneSampleOfAudio_ThenFramesKeepingTheClock_DoNotEndTheStream()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = EmotionStreamSessionTests.ReadAllAsync(session);

        await session.WriteAudioAsync(new float[] { 0.1f }, 48000);
        for (int second = 0; second < 10; second++)
        {
            await session.WriteFrameAsync(Frame(), TimeSpan.FromSeconds(second));
        }

        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.True(updates[^1].IsFinal);
        Assert.All(updates, u => Assert.Equal(AudioStatus.Missing, u.Mask.Audio));
    }

    [Fact]
    public async Task ReaderMissingUpdates_GetsAtMostTheCappedFacesOfThemAll()
    {
        const int perSecond = 800;
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxPendingUpdates = 2, MaxBacklog = 10_000 });
        for (int k = 0; k <= 3 * perSecond; k++)
        {
            await session.WriteFrameAsync(new Image<Rgb24>(16, 12, new Rgb24(120, 110, 100)), TimeSpan.FromTicks(k * TimeSpan.TicksPerSecond / perSecond));
        }

        // No reader until the end: windows 1 and 2 wait, window 3 takes in both (1,600 faces, of which the newest 1,000 stay).
        await session.FlushAsync();
        session.Complete();
        List<EmotionUpdate> updates = await EmotionStreamSessionTests.ReadAllAsync(session).WaitAsync(Hang);

        EmotionUpdate first = updates[0];
        Assert.Equal(2, first.SkippedUpdates);
        Assert.Equal(EmotionUpdate.MaxCarriedFaces + perSecond, first.Faces.Count);
        Assert.Equal(TimeSpan.FromTicks((2 * perSecond - EmotionUpdate.MaxCarriedFaces) * TimeSpan.TicksPerSecond / perSecond), first.Faces[0].Timestamp);
        Assert.True(first.Faces.Zip(first.Faces.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
    }

    [Fact]
    public async Task ReaderMissingUpdates_GetsAtMostTheCappedUtteranceEvents()
    {
        var parts = new FakeStreamParts { VoiceActivity = new LoudnessVoiceActivity() };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxPendingUpdates = 1 });
        float[] loud = EmotionStreamSessionTests.Tone(1), quiet = new float[Rate];
        for (int second = 0; second < 600; second++)
        {
            await session.WriteAudioAsync(second % 2 == 0 ? loud : quiet, Rate);
        }

        // Nobody reads the updates (a page that only draws faces): the one waiting has taken in every event so far.
        await session.FlushAsync();
        await using IAsyncEnumerator<EmotionUpdate> reader = session.ReadUpdatesAsync().GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());

        EmotionUpdate update = reader.Current;
        Assert.Equal(599, update.SkippedUpdates);
        Assert.Equal(EmotionUpdate.MaxCarriedUtterances + 1, update.Utterances.Count);
        // The newest events, so the last one still says where the voice is: the 600th second was quiet.
        Assert.Equal(new UtteranceEvent(UtteranceEventKind.Ended, TimeSpan.FromSeconds(599)), update.Utterances[^1]);
    }

    [Fact]
    public async Task DisposeDuringAFlush_FailsTheFlushAsDisposed()
    {
        var parts = new FakeStreamParts();
        var entered = new TaskCompletionSource();
        parts.BeforeAudio = async ct =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        EmotionStreamSession session = recognizer.OpenStream();

        await session.WriteAudioAsync(EmotionStreamSessionTests.Tone(1), Rate);
        Task flush = session.FlushAsync();
        await entered.Task.WaitAsync(Hang);
        await session.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => flush.WaitAsync(Hang));
    }

    [Fact]
    public async Task Complete_WithNothingWritten_EndsTheReadersWithoutAnUpdate()
    {
        using EmotionRecognizer recognizer = new FakeStreamParts().Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();

        session.Complete();

        Assert.Empty(await EmotionStreamSessionTests.ReadAllAsync(session).WaitAsync(Hang));
        Assert.Empty(await session.ReadFacesAsync().ToListAsync().AsTask().WaitAsync(Hang));
    }

    private static Image<Rgb24> Frame() => new(32, 24, new Rgb24(120, 110, 100));

    /// <summary>Speech wherever the mean absolute sample exceeds 0.05: the test tone is speech, digital silence is not.</summary>
    private sealed class LoudnessVoiceActivity : IVoiceActivityDetector
    {
        public int SampleRate => Rate;

        public VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
        {
            double sum = 0;
            foreach (float s in samples)
            {
                sum += Math.Abs(s);
            }

            bool speech = samples.Length > 0 && sum / samples.Length > 0.05;
            return new VoiceActivity(speech, TimeSpan.Zero, speech ? 1f : 0f);
        }
    }
}
