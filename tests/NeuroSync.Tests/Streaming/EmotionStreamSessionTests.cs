using NeuroSync.Audio;
using NeuroSync.Streaming;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Streaming;

/// <summary>The stream's contract apart from its numbers: the hop schedule, the final update, bad input, backlog and
/// reader limits, tracks, utterances, disposal.</summary>
public sealed class EmotionStreamSessionTests
{
    internal const int Rate = 16000;

    // A hang guard for the waits below, not a speed requirement: only a stream that never ends reaches it.
    internal static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Complete_JudgesWhatIsLeft_InAFinalUpdate_AndRefusesMoreInput()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        await session.WriteAudioAsync(Tone(2.5), Rate);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal([1.0, 2.0, 3.0], updates.Select(u => u.WindowEnd.TotalSeconds));
        Assert.Equal([false, false, true], updates.Select(u => u.IsFinal));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7)), (session.Hop, session.Window));
        await session.Completion.WaitAsync(Hang);
        Assert.Equal(AudioStatus.Available, updates[^1].Mask.Audio);
        Assert.Equal(VideoStatus.NoFrames, updates[^1].Mask.Video);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await session.WriteAudioAsync(Tone(1), Rate));
        Assert.Throws<InvalidOperationException>(() => session.TryWriteFrame(new Image<Rgb24>(32, 24), TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task InputEndingOnAHop_RepeatsTheLastWindowAsFinal()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        await session.WriteAudioAsync(Tone(2), Rate);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal([1.0, 2.0, 2.0], updates.Select(u => u.WindowEnd.TotalSeconds));
        Assert.True(updates[^1].IsFinal);
        Assert.Same(updates[1].Prediction, updates[2].Prediction);
    }

    [Fact]
    public async Task VideoOnly_FramesKeepTheClock()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        for (int k = 0; k < 25; k++)
        {
            Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(100 * k)));
        }

        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal([1.0, 2.0, 3.0], updates.Select(u => u.WindowEnd.TotalSeconds));
        Assert.All(updates, u => Assert.Equal(AudioStatus.Missing, u.Mask.Audio));
        Assert.All(updates, u => Assert.Equal(VideoStatus.Available, u.Mask.Video));
        Assert.Equal([10, 10, 5], updates.Select(u => u.Faces.Count));
        // A 7 s window still holds every frame since the start.
        Assert.Equal([10, 20, 25], updates.Select(u => u.Prediction.Frames.Count));
    }

    [Fact]
    public async Task BadAudio_IsRefusedWithATypedError_AndTheStreamGoesOn()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        await session.WriteAudioAsync(Tone(0.5), Rate);
        var rate = await Assert.ThrowsAsync<InvalidAudioException>(async () => await session.WriteAudioAsync(Tone(0.5, 44100), 44100));
        Assert.Contains("16000 Hz", rate.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidAudioException>(async () => await session.WriteAudioAsync(Tone(0.5), Rate, channels: 2 + 1));
        float[] withNaN = Tone(0.5);
        withNaN[100] = float.NaN;
        var nan = await Assert.ThrowsAsync<InvalidAudioException>(async () => await session.WriteAudioAsync(withNaN, Rate));
        Assert.Contains("sample 100", nan.Message, StringComparison.Ordinal);
        await session.WriteAudioAsync(Tone(0.5), Rate);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        // Only the two good half seconds count: one window, ending at 1 s, then its repeat as the final word.
        Assert.Equal([1.0, 1.0], updates.Select(u => u.WindowEnd.TotalSeconds));
        Assert.True(updates[^1].IsFinal);
    }

    [Fact]
    public async Task Pcm16_IsScaledAsTheWavReaderScalesIt()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        float[] tone = Tone(1);
        short[] pcm = [.. tone.Select(s => (short)Math.Round(s * 32768))];

        EmotionUpdate fromFloat = await SingleUpdateAsync(recognizer, s => s.WriteAudioAsync(pcm.Select(v => v / 32768f).ToArray(), Rate));
        EmotionUpdate fromPcm = await SingleUpdateAsync(recognizer, s => s.WriteAudioAsync(pcm, Rate));

        Assert.Equal(fromFloat.Prediction.Scores, fromPcm.Prediction.Scores);
        Assert.Equal(fromFloat.Prediction.AudioRms, fromPcm.Prediction.AudioRms);
    }

    [Fact]
    public async Task FramesOutOfOrder_AreDroppedAndCounted()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(500)));
        Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(400)));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.TryWriteFrame(new Image<Rgb24>(32, 24), TimeSpan.FromMilliseconds(-1)));
        await session.WriteAudioAsync(Tone(1), Rate);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal(1, updates[0].DroppedFrames);
        Assert.Single(updates[0].Faces);
        Assert.Equal(1, session.DroppedFrames);
    }

    [Fact]
    public async Task FullBacklog_DropsFrames_NeverAudio()
    {
        var parts = new FakeStreamParts();
        var gate = new TaskCompletionSource();
        var atGate = new TaskCompletionSource();
        parts.BeforeAudio = ct =>
        {
            atGate.TrySetResult();
            return gate.Task.WaitAsync(ct);
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxBacklog = 4 });
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        // The first second closes a window whose audio encoding waits at the gate, so nothing more is taken in.
        await session.WriteAudioAsync(Tone(1), Rate);
        await atGate.Task.WaitAsync(Hang);
        int accepted = 0, refused = 0;
        for (int k = 0; k < 20; k++)
        {
            if (session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(1000 + (10 * k))))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        Assert.Equal(4, accepted);
        // A frame written to wait for room waits, as audio does, and is not dropped.
        Task waitingFrame = session.WriteFrameAsync(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(1500)).AsTask();
        Task moreAudio = session.WriteAudioAsync(Tone(2), Rate).AsTask();
        Assert.False(waitingFrame.IsCompleted);
        Assert.False(moreAudio.IsCompleted);
        gate.SetResult();
        await waitingFrame.WaitAsync(Hang);
        await moreAudio.WaitAsync(Hang);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal(refused, updates.Sum(u => u.DroppedFrames));
        Assert.Equal(refused, session.DroppedFrames);
        // Every second of audio was judged: the last window ends at 3 s.
        Assert.Equal(TimeSpan.FromSeconds(3), updates[^1].WindowEnd);
        Assert.Equal(accepted + 1, updates.Sum(u => u.Faces.Count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // the waiting updates in between must not overtake the missed ones' faces
    public async Task SlowReader_GetsTheLatest_AndIsToldWhatItMissed(int maxPendingUpdates)
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxPendingUpdates = maxPendingUpdates });

        for (int second = 0; second < 6; second++)
        {
            for (int f = 0; f < 2; f++)
            {
                Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds((1000 * second) + (500 * f))));
            }

            await session.WriteAudioAsync(Tone(1), Rate);
        }

        session.Complete();
        var updates = new List<EmotionUpdate>();
        await foreach (EmotionUpdate update in session.ReadUpdatesAsync().WithCancellation(new CancellationTokenSource(Hang).Token))
        {
            updates.Add(update);
            await Task.Delay(50);
        }

        Assert.True(updates[^1].IsFinal);
        Assert.Equal(TimeSpan.FromSeconds(6), updates[^1].WindowEnd);
        // Seven updates were made (six windows and the final repeat); what the reader did not get it was told about.
        Assert.Equal(7, updates.Count + updates.Sum(u => u.SkippedUpdates));
        Assert.Equal(updates.Select(u => u.Sequence), updates.Select(u => u.Sequence).Order());
        // The missed updates' faces come with the next one read, in order: none is lost.
        Assert.Equal(Enumerable.Range(0, 12).Select(k => TimeSpan.FromMilliseconds(500 * k)), updates.SelectMany(u => u.Faces).Select(f => f.Timestamp));
    }

    [Fact]
    public async Task FaceTracks_KeepTheirIdWhileTheFaceStays()
    {
        var parts = new FakeStreamParts();
        // Each frame carries its face in its first pixel: red is the box's x, green whether there is a face.
        parts.Detector.DetectFacesCallback = image => image[0, 0].G > 0 ? [new FaceBox(image[0, 0].R, 4, 12, 12, 0.8f)] : [];
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        var moves = new (byte X, bool Present)[] { (4, true), (5, true), (6, true), (0, false), (6, true), (20, true) };
        for (int k = 0; k < moves.Length; k++)
        {
            var image = new Image<Rgb24>(40, 24, new Rgb24(120, 110, 100));
            image[0, 0] = new Rgb24(moves[k].X, moves[k].Present ? (byte)1 : (byte)0, 0);
            Assert.True(session.TryWriteFrame(image, TimeSpan.FromMilliseconds(100 * k)));
        }

        session.Complete();
        StreamFace[] faces = [.. (await reading.WaitAsync(Hang)).SelectMany(u => u.Faces)];

        // The face stays (overlapping boxes), goes, comes back (a new track), and jumps away (another new track).
        Assert.Equal([0, 0, 0, -1, 1, 2], faces.Select(f => f.TrackId));
        Assert.Equal([4, 5, 6], faces.Take(3).Select(f => f.Face!.Value.X));
        Assert.Null(faces[3].Face);
        Assert.Equal(0.8f, faces[0].Face!.Value.Score);
        Assert.Equal(moves.Select((_, k) => TimeSpan.FromMilliseconds(100 * k)), faces.Select(f => f.Timestamp));
        Assert.All(faces, f => Assert.Equal((40, 24), (f.FrameWidth, f.FrameHeight)));
        // The fake's visual encoder is no per-frame classifier, so there are no per-frame scores.
        Assert.All(faces, f => Assert.Null(f.Scores));
    }

    [Fact]
    public async Task ReadFaces_TellsEachFrameBeforeItsWindowIsJudged_TheSameRecordsTheUpdatesCarry()
    {
        var parts = new FakeStreamParts();
        parts.Detector.DetectFacesCallback = image => [new FaceBox(image[0, 0].R, 4, 12, 12, 0.8f)];
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        await using IAsyncEnumerator<StreamFace> faces = session.ReadFacesAsync().GetAsyncEnumerator();

        var early = new List<StreamFace>();
        for (int k = 0; k < 3; k++)
        {
            var image = new Image<Rgb24>(40, 24, new Rgb24(120, 110, 100));
            image[0, 0] = new Rgb24((byte)(4 + k), 1, 0);
            Assert.True(session.TryWriteFrame(image, TimeSpan.FromMilliseconds(100 * k)));
            Assert.True(await faces.MoveNextAsync().AsTask().WaitAsync(Hang));
            early.Add(faces.Current);
        }

        // No audio and no frame past the first hop: no window can have been judged, yet every frame has been told.
        Assert.Equal([4, 5, 6], early.Select(f => f.Face!.Value.X));
        Assert.Equal([0, 0, 0], early.Select(f => f.TrackId));
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        Assert.Equal(early, updates.SelectMany(u => u.Faces)); // tolerance: exact (the same records)
        Assert.False(await faces.MoveNextAsync().AsTask().WaitAsync(Hang)); // ends with the stream
    }

    [Fact]
    public async Task ReadFaces_AReaderThatComesLate_GetsTheLatestMaxBacklog()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxBacklog = 4 });
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        for (int k = 0; k < 10; k++)
        {
            await session.WriteFrameAsync(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(100 * k));
        }

        session.Complete();
        await reading.WaitAsync(Hang);
        var late = new List<TimeSpan>();
        await foreach (StreamFace face in session.ReadFacesAsync())
        {
            late.Add(face.Timestamp);
        }

        Assert.Equal([600, 700, 800, 900], late.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public async Task Utterances_StartAndEndWithTheVoice()
    {
        using var recognizer = EmotionRecognizer.Create(Path.Combine(AppContext.BaseDirectory, "Models", "tiny"));
        AudioClip hello = AudioClip.ReadWav(TestFiles.Path("Audio", "espeak_hello_22050.wav"));
        float[] speech = hello.Samples.ToArray();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        await session.WriteAudioAsync(new float[2 * hello.SampleRate], hello.SampleRate);
        await session.WriteAudioAsync(speech, hello.SampleRate);
        await session.WriteAudioAsync(new float[3 * hello.SampleRate], hello.SampleRate);
        session.Complete();
        List<EmotionUpdate> updates = await reading.WaitAsync(Hang);

        UtteranceEvent[] events = [.. updates.SelectMany(u => u.Utterances)];
        Assert.Equal([UtteranceEventKind.Started, UtteranceEventKind.Ended], events.Select(e => e.Kind));
        Assert.InRange(events[0].Time.TotalSeconds, 1.0, 3.0);
        Assert.InRange(events[1].Time.TotalSeconds, 3.0, 5.0);
    }

    [Fact]
    public async Task Dispose_WhileAModelRuns_StopsIt_AndReturnsEveryBuffer()
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
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        for (int k = 0; k < 5; k++)
        {
            session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(200 * k));
        }

        await session.WriteAudioAsync(Tone(1.5), Rate);
        await entered.Task.WaitAsync(Hang);

        await session.DisposeAsync().AsTask().WaitAsync(Hang);

        Assert.Empty(await reading.WaitAsync(Hang));
        Assert.Equal(0, parts.Outstanding);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await session.WriteAudioAsync(Tone(1), Rate));
        Assert.Throws<ObjectDisposedException>(() => session.TryWriteFrame(new Image<Rgb24>(8, 8), TimeSpan.FromSeconds(9)));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task Flush_ReturnsOnceTheWrittenFramesAreAnalysed()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();

        for (int k = 0; k < 3; k++)
        {
            Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.FromMilliseconds(100 * k)));
        }

        await session.FlushAsync().WaitAsync(Hang);

        Assert.Equal(3, parts.Detector.Calls);
    }

    [Fact]
    public async Task ModelFailure_EndsTheStream_TheReaderGetsIt_AndWritersAreTold()
    {
        var parts = new FakeStreamParts { BeforeAudio = _ => throw new NeuroSyncException("Audio encoder: expected to run, found a broken session.") };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);

        await session.WriteAudioAsync(Tone(1), Rate);

        var failure = await Assert.ThrowsAsync<NeuroSyncException>(() => reading.WaitAsync(Hang));
        Assert.Contains("broken session", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await session.WriteAudioAsync(Tone(1), Rate));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.FlushAsync());
        Assert.Throws<InvalidOperationException>(() => session.TryWriteFrame(new Image<Rgb24>(8, 8), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task OpenStream_ThroughADecorator_AndRefusedWithoutARecognizerBehind()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer inner = parts.Recognizer();
        using IEmotionRecognizer decorated = new LoggingEmotionRecognizer(inner, Microsoft.Extensions.Logging.Abstractions.NullLogger<LoggingEmotionRecognizer>.Instance);

        await using (decorated.OpenStream())
        {
        }

        using IEmotionRecognizer bare = new NoRecognizerBehind();
        Assert.Throws<NotSupportedException>(() => bare.OpenStream());
        Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { Hop = TimeSpan.FromMilliseconds(10) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { Window = TimeSpan.FromMilliseconds(500) }));
        var frameRate = Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { MaxFrameRate = double.NaN }));
        Assert.Contains("StreamOptions.MaxFrameRate", frameRate.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { MaxFrameRate = 0 }));
        var parallelism = Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { MaxDegreeOfParallelism = -1 }));
        Assert.Contains("StreamOptions.MaxDegreeOfParallelism", parallelism.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { MaxDegreeOfParallelism = 65 }));
        // The default window is the set's clip length (7 s), and a hop longer than the window would leave input unjudged.
        var hop = Assert.Throws<ArgumentOutOfRangeException>(() => inner.OpenStream(new StreamOptions { Hop = TimeSpan.FromSeconds(10) }));
        Assert.Contains("clip length", hop.Message, StringComparison.Ordinal);
    }

    internal static float[] Tone(double seconds, int rate = Rate)
    {
        var samples = new float[(int)(seconds * rate)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / rate);
        }

        return samples;
    }

    internal static Task<List<EmotionUpdate>> ReadAllAsync(EmotionStreamSession session) => session.ReadUpdatesAsync().ToListAsync().AsTask();

    private sealed class NoRecognizerBehind : IEmotionRecognizer
    {
        public Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static async Task<EmotionUpdate> SingleUpdateAsync(EmotionRecognizer recognizer, Func<EmotionStreamSession, ValueTask> write)
    {
        await using EmotionStreamSession session = recognizer.OpenStream();
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        await write(session);
        session.Complete();
        return (await reading.WaitAsync(Hang))[0];
    }
}
