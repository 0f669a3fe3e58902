using NeuroSync.Streaming;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static NeuroSync.Tests.Streaming.EmotionStreamSessionTests;

namespace NeuroSync.Tests.Streaming;

/// <summary><see cref="StreamOptions.MaxDegreeOfParallelism"/>: frames analysed at the same time are taken in in arrival
/// order, so the updates are those of one frame after another; a frame written while the loop waits for one in flight starts
/// beside it; and a stream disposed with frames in flight waits for them.</summary>
public sealed class EmotionStreamSessionParallelismTests
{
    private const int FrameCount = 8;

    [Fact]
    public async Task FramesAnalysedAtOnce_FinishingOutOfOrder_GiveTheUpdatesOfOneAfterAnother()
    {
        (List<EmotionUpdate> oneByOne, _) = await StreamAsync(parallelism: 1, holdEvenFrames: false);
        (List<EmotionUpdate> atOnce, bool overlapped) = await StreamAsync(parallelism: 4, holdEvenFrames: true);

        // Each even frame waited until the next one had started, and so finished after it: they overlapped.
        Assert.True(overlapped);
        Assert.Equal(oneByOne.Select(u => (u.WindowStart, u.WindowEnd, u.IsFinal, u.DroppedFrames)), atOnce.Select(u => (u.WindowStart, u.WindowEnd, u.IsFinal, u.DroppedFrames)));
        Assert.Equal(oneByOne.Select(u => u.Prediction.Scores), atOnce.Select(u => u.Prediction.Scores)); // tolerance: exact (the same arithmetic)
        Assert.Equal(oneByOne.Select(u => u.Prediction.Frames.Select(f => (f.FrameIndex, f.Status, f.Face))), atOnce.Select(u => u.Prediction.Frames.Select(f => (f.FrameIndex, f.Status, f.Face))));
        StreamFace[] faces = [.. atOnce.SelectMany(u => u.Faces)];
        Assert.Equal(oneByOne.SelectMany(u => u.Faces), faces);
        // In arrival order, and one track while the face moves a pixel a frame.
        Assert.Equal(Enumerable.Range(0, FrameCount).Select(k => TimeSpan.FromMilliseconds(250 * k)), faces.Select(f => f.Timestamp));
        Assert.All(faces, f => Assert.Equal(0, f.TrackId));
    }

    [Fact]
    public async Task Dispose_WithFramesInFlight_WaitsForThem_DisposesTheirImages_AndReturnsEveryBuffer()
    {
        var parts = new FakeStreamParts();
        using var release = new ManualResetEventSlim();
        var entered = 0;
        var firstIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        parts.Detector.DetectFacesCallback = image =>
        {
            (Interlocked.Increment(ref entered) == 1 ? firstIn : bothIn).TrySetResult();

            release.Wait(Hang);
            return [new FaceBox(8, 4, 12, 12, 0.9f)];
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxDegreeOfParallelism = 2 });
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        var images = Enumerable.Range(0, 3).Select(_ => new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100))).ToArray();
        Assert.True(session.TryWriteFrame(images[0], TimeSpan.Zero));
        // Written while the loop, with nothing else to take, waits for the first frame: they still start beside it.
        await firstIn.Task.WaitAsync(Hang);
        for (int k = 1; k < images.Length; k++)
        {
            Assert.True(session.TryWriteFrame(images[k], TimeSpan.FromMilliseconds(100 * k)));
        }

        await bothIn.Task.WaitAsync(Hang);
        ValueTask disposing = session.DisposeAsync();
        // The loop has stopped taking input but cannot end before the two frames in flight do.
        await Task.Delay(100);
        Assert.False(disposing.IsCompleted);
        release.Set();
        await disposing.AsTask().WaitAsync(Hang);

        Assert.Empty(await reading.WaitAsync(Hang));
        Assert.Equal(2, Volatile.Read(ref entered)); // the third frame was queued, never analysed
        Assert.Equal(0, parts.Outstanding);
        Assert.All(images, image => Assert.Throws<ObjectDisposedException>(() => image.Clone()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task AFrameThatFailsToPreprocess_IsDroppedAndCounted_AModelFailureEndsTheStream(int parallelism)
    {
        var parts = new FakeStreamParts();
        parts.Detector.DetectFacesCallback = image => image[0, 0].B switch
        {
            1 => throw new InvalidImageException("Frame: expected pixels, found a corrupt one."),
            5 => throw new NeuroSyncException("Face detector: expected to run, found a broken session."),
            _ => [new FaceBox(8, 4, 12, 12, 0.9f)],
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxDegreeOfParallelism = parallelism, Window = TimeSpan.FromSeconds(1) });
        await using IAsyncEnumerator<EmotionUpdate> updates = session.ReadUpdatesAsync().GetAsyncEnumerator();
        for (int k = 0; k < 4; k++)
        {
            session.TryWriteFrame(Marked(k), TimeSpan.FromMilliseconds(250 * k));
        }

        await session.WriteAudioAsync(Tone(1), Rate);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Hang));
        Assert.Equal(1, updates.Current.DroppedFrames);
        Assert.Equal([0, 500, 750], updates.Current.Faces.Select(f => f.Timestamp.TotalMilliseconds));

        // Written after a pause, so that the loop waits for it alone, not behind other input.
        session.TryWriteFrame(Marked(5), TimeSpan.FromMilliseconds(1250));
        var failure = await Assert.ThrowsAsync<NeuroSyncException>(async () => await updates.MoveNextAsync().AsTask().WaitAsync(Hang));
        Assert.Contains("broken session", failure.Message, StringComparison.Ordinal);
        await session.Completion.WaitAsync(Hang);
        Assert.Equal(0, parts.Outstanding);

        static Image<Rgb24> Marked(int k)
        {
            var image = new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100));
            image[0, 0] = new Rgb24(120, 110, (byte)k);
            return image;
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public async Task AFlushWaitingForAFrameInFlight_FailsWithTheStream_OrEndsWithItsDisposal(int parallelism, bool dispose)
    {
        var parts = new FakeStreamParts();
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        parts.Detector.DetectFacesCallback = _ =>
        {
            entered.TrySetResult();
            release.Wait(Hang);
            // What ONNX Runtime's run does once the stream's token is cancelled, or a broken session.
            throw dispose ? new OperationCanceledException() : new NeuroSyncException("Face detector: expected to run, found a broken session.");
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxDegreeOfParallelism = parallelism });
        Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.Zero));
        await entered.Task.WaitAsync(Hang);

        Task flushing = session.FlushAsync();
        // With frames in flight the loop has taken the flush's barrier by now and waits for the frame; with one frame at a
        // time the barrier is still queued. Either way the flush must end with the stream.
        await Task.Delay(200);
        ValueTask disposing = dispose ? session.DisposeAsync() : ValueTask.CompletedTask;
        release.Set();
        await disposing.AsTask().WaitAsync(Hang);

        Exception failure = await Assert.ThrowsAnyAsync<Exception>(() => flushing.WaitAsync(Hang));
        Assert.IsType(dispose ? typeof(ObjectDisposedException) : typeof(InvalidOperationException), failure);
        await session.DisposeAsync();
    }

    [Fact]
    public async Task AFrameFailingWhileTheLoopIsIdle_LeavesNoUnobservedTask()
    {
        var unobserved = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> count = (_, e) =>
        {
            if (e.Exception.Flatten().InnerExceptions.Any(x => x.Message.Contains("idle-loop marker", StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref unobserved);
            }
        };
        TaskScheduler.UnobservedTaskException += count;
        try
        {
            await FailWhileIdleAsync();
            for (int i = 0; i < 5; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                await Task.Delay(50);
            }

            Assert.Equal(0, Volatile.Read(ref unobserved));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= count;
        }

        static async Task FailWhileIdleAsync()
        {
            var parts = new FakeStreamParts();
            parts.Detector.DetectFacesCallback = _ =>
            {
                Thread.Sleep(200);
                throw new NeuroSyncException("Face detector: idle-loop marker.");
            };
            using EmotionRecognizer recognizer = parts.Recognizer();
            await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxDegreeOfParallelism = 2 });
            Assert.True(session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), TimeSpan.Zero));
            await Assert.ThrowsAsync<NeuroSyncException>(() => ReadAllAsync(session).WaitAsync(Hang));
            await session.Completion.WaitAsync(Hang);
        }
    }

    /// <summary>Streams eight frames (a face moving a pixel a frame, 250 ms apart) and a tone. With
    /// <paramref name="holdEvenFrames"/>, each even frame's detection waits until the next frame's has begun.</summary>
    private static async Task<(List<EmotionUpdate> Updates, bool Overlapped)> StreamAsync(int parallelism, bool holdEvenFrames)
    {
        var parts = new FakeStreamParts();
        TaskCompletionSource[] started = [.. Enumerable.Range(0, FrameCount).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        bool overlapped = true;
        parts.Detector.DetectFacesCallback = image =>
        {
            int k = image[0, 0].B;
            started[k].TrySetResult();
            if (holdEvenFrames && k % 2 == 0 && !started[k + 1].Task.Wait(Hang))
            {
                overlapped = false;
            }

            return [new FaceBox(image[0, 0].R, 4, 12, 12, 0.8f)];
        };
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxDegreeOfParallelism = parallelism, Window = TimeSpan.FromSeconds(1) });
        Task<List<EmotionUpdate>> reading = ReadAllAsync(session);
        for (int k = 0; k < FrameCount; k++)
        {
            var image = new Image<Rgb24>(40, 24, new Rgb24(120, 110, 100));
            image[0, 0] = new Rgb24((byte)(4 + k), 1, (byte)k);
            Assert.True(session.TryWriteFrame(image, TimeSpan.FromMilliseconds(250 * k)));
        }

        await session.WriteAudioAsync(Tone(2), Rate);
        session.Complete();
        return (await reading.WaitAsync(Hang), overlapped);
    }
}
