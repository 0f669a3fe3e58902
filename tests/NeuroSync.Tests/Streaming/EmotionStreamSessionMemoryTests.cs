using NeuroSync.Streaming;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Streaming;

/// <summary>Alone in its collection: it reads the process's managed heap, which other tests running at the same time would move.</summary>
[CollectionDefinition(nameof(EmotionStreamSessionMemoryTests), DisableParallelization = true)]
public sealed class HeapMeasuringTestsDefinition;

/// <summary>A stream's memory depends on its window and backlog, not on its length.</summary>
[Collection(nameof(EmotionStreamSessionMemoryTests))]
public sealed class EmotionStreamSessionMemoryTests
{
    [Fact]
    public async Task AnHourOfInput_KeepsManagedMemoryAndFeatureBuffersFlat()
    {
        var parts = new FakeStreamParts();
        using EmotionRecognizer recognizer = parts.Recognizer();
        await using EmotionStreamSession session = recognizer.OpenStream(new StreamOptions { MaxBacklog = 256 });
        long updates = 0, lastSequence = -1;
        Task reading = Task.Run(async () =>
        {
            await foreach (EmotionUpdate update in session.ReadUpdatesAsync())
            {
                updates++;
                Volatile.Write(ref lastSequence, update.Sequence);
            }
        });

        float[] second = EmotionStreamSessionTests.Tone(1);
        long afterTenMinutes = 0;

        // Measured once the loop has caught up, so that the backlog (bounded, but up to 256 seconds of audio here) is empty.
        async Task<long> SettleAsync(long sequence)
        {
            while (Volatile.Read(ref lastSequence) < sequence)
            {
                await Task.Delay(1);
            }

            return Settle();
        }
        for (int s = 0; s < 3600; s++)
        {
            for (int f = 0; f < 2; f++)
            {
                // A full backlog drops frames; a file-like producer waits and writes again.
                var time = TimeSpan.FromMilliseconds((1000 * s) + (500 * f));
                while (!session.TryWriteFrame(new Image<Rgb24>(32, 24, new Rgb24(120, 110, 100)), time))
                {
                    await Task.Yield();
                }
            }

            await session.WriteAudioAsync(second, 16000);
            if (s == 600)
            {
                afterTenMinutes = await SettleAsync(s);
            }
        }

        long afterAnHour = await SettleAsync(3599);
        session.Complete();
        await reading;

        // 3600 windows and the final repeat (the input ends on a hop).
        Assert.Equal(3600, lastSequence);
        Assert.True(updates > 0);
        // Fifty minutes more input, and the heap may differ only by noise (a megabyte or so), not by fifty minutes of audio
        // (190 MB) or of frames.
        Assert.True(afterAnHour - afterTenMinutes < 4 << 20, $"managed heap grew by {(afterAnHour - afterTenMinutes) >> 10} KiB between the 10th and the 60th minute");
        Assert.Equal(0, parts.Outstanding);
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
