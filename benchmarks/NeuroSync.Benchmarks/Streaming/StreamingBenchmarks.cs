using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using NeuroSync.Audio;
using NeuroSync.Streaming;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Streaming;

/// <summary>
/// What a live user feels: the time from the last sample of a hop to its update (<see cref="HopUpdate"/>, with p50 and
/// p95), the real-time factor of a whole recording streamed as fast as it goes (<see cref="TenSecondsStreamed"/>, divided
/// by 10 s; <see cref="TenSecondsStreamedAtFiveFramesASecond"/> with the frames capped), and the time from the end of a 7 s recording to its result (<see cref="EndOfRecordingToResult"/>), against
/// which <c>tools/bench/compare.sh</c> sets the original's (it computes everything after the recording).
/// </summary>
/// <remarks>
/// Input: 15 fps video of the committed astronaut photo (640x480, one face) and the committed speech-like WAV at 16 kHz,
/// written as a live source writes them: each 100 ms, that span's frames, then its audio. Model sets: the lite set, the
/// set of <see cref="BenchmarkModels"/> (<c>models/tiny</c>, or real-size models through <c>NEUROSYNC_MODELS</c>) and, when
/// that folder has one, its int8 manifest. Before each measured hop the hop's frames are written and
/// <see cref="EmotionStreamSession.FlushAsync"/> waits until they are analysed (the stream does that between hops), so
/// <see cref="HopUpdate"/> times what runs per hop: the audio path on the window and fusion. Each measured call needs its
/// own set-up (one call per iteration), so give the counts on the command line, for example
/// <c>--filter '*StreamingBenchmarks*' --warmupCount 2 --iterationCount 20</c> (docs/performance.md has the runs).
/// </remarks>
[Config(typeof(PercentileConfig))]
[InvocationCount(1)]
public class StreamingBenchmarks : IDisposable
{
    private const int Rate = 16_000;
    private const int FramesPerSecond = 15;
    private const int Chunk = Rate / 10;

    private EmotionRecognizer _recognizer = null!;
    private Image<Rgb24> _photo = null!;
    private float[] _speech = null!;
    private EmotionStreamSession _live = null!;
    private IAsyncEnumerator<EmotionUpdate> _liveUpdates = null!;
    private long _liveSample;
    private EmotionStreamSession? _recording;
    private IAsyncEnumerator<EmotionUpdate>? _recordingUpdates;
    private Image<Rgb24>[] _tenSecondsOfFrames = [];

    /// <summary>Gets the model sets measured.</summary>
    /// <returns>Their folders (or manifest files).</returns>
    public static IEnumerable<string> ModelSets()
    {
        yield return Path.Combine(RepositoryFiles.Root, "models", "lite");
        yield return BenchmarkModels.Folder;
        string int8 = Path.Combine(BenchmarkModels.Folder, "neurosync.int8.json");
        if (File.Exists(int8))
        {
            yield return int8;
        }
    }

    /// <summary>Gets or sets the model set of this run.</summary>
    [ParamsSource(nameof(ModelSets))]
    public string ModelSet { get; set; } = "";

    /// <summary>Loads the model set and the input, and fills a live stream's first window.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _recognizer = EmotionRecognizer.Create(ModelSet, BenchmarkModels.OnnxOptions);
        _photo = new FrameLoader().Load(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"));
        _speech = AudioClip.ReadWav(RepositoryFiles.Path("tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav")).Samples.ToArray();
        _live = _recognizer.OpenStream(new StreamOptions { MaxBacklog = 1024, MaxPendingUpdates = 64 });
        _liveUpdates = _live.ReadUpdatesAsync().GetAsyncEnumerator();
        for (int second = 0; second < 7; second++)
        {
            WriteHopAsync(_live, includeLastChunk: true).GetAwaiter().GetResult();
            _liveUpdates.MoveNextAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes the next hop of the live stream but its last 100 ms of audio, and waits until it is taken in.</summary>
    [IterationSetup(Target = nameof(HopUpdate))]
    public void WriteAllButTheLastChunk()
    {
        WriteHopAsync(_live, includeLastChunk: false).GetAwaiter().GetResult();
        _live.FlushAsync().GetAwaiter().GetResult();
    }

    /// <summary>The last 100 ms of a hop arrive; the update for the window ending there comes out.</summary>
    /// <returns>The update.</returns>
    [Benchmark(Baseline = true, Description = "Last sample of a hop to its update (7 s window)")]
    public async Task<EmotionUpdate> HopUpdate()
    {
        await WriteAudioAsync(_live, Chunk);
        await _liveUpdates.MoveNextAsync();
        return _liveUpdates.Current;
    }

    /// <summary>Decodes nothing: prepares ten seconds of frames for <see cref="TenSecondsStreamed"/> (the producer's copies).</summary>
    [IterationSetup(Targets = [nameof(TenSecondsStreamed), nameof(TenSecondsStreamedAtFiveFramesASecond)])]
    public void CopyTenSecondsOfFrames() => _tenSecondsOfFrames = [.. Enumerable.Range(0, 10 * FramesPerSecond).Select(_ => _photo.Clone())];

    /// <summary>Ten seconds of 15 fps video and speech streamed as fast as they go, until the final update: divided by 10 s,
    /// the real-time factor.</summary>
    /// <returns>The number of updates.</returns>
    [Benchmark(Description = "10 s streamed as fast as it goes (real-time factor = time / 10 s)")]
    public Task<int> TenSecondsStreamed() => StreamTenSecondsAsync(maxFrameRate: null);

    /// <summary>The same with <see cref="StreamOptions.MaxFrameRate"/> 5: a third of the frames analysed.</summary>
    /// <returns>The number of updates.</returns>
    [Benchmark(Description = "10 s streamed, frames capped at 5 a second (MaxFrameRate)")]
    public Task<int> TenSecondsStreamedAtFiveFramesASecond() => StreamTenSecondsAsync(maxFrameRate: 5);

    /// <summary>Writes a 7 s recording but its last 100 ms to a new stream, and waits until it is taken in.</summary>
    [IterationSetup(Target = nameof(EndOfRecordingToResult))]
    public void WriteTheRecordingButTheLastChunk()
    {
        _recording = _recognizer.OpenStream(new StreamOptions { MaxBacklog = 1024, MaxPendingUpdates = 64 });
        _recordingUpdates = _recording.ReadUpdatesAsync().GetAsyncEnumerator();
        long sample = 0;
        for (int second = 0; second < 7; second++)
        {
            sample = WriteHopAsync(_recording, includeLastChunk: second < 6, sample).GetAwaiter().GetResult();
        }

        _recording.FlushAsync().GetAwaiter().GetResult();
        while (_recordingUpdates.MoveNextAsync().AsTask().GetAwaiter().GetResult() && _recordingUpdates.Current.WindowEnd < TimeSpan.FromSeconds(6))
        {
        }
    }

    /// <summary>The recording's last 100 ms arrive and it ends; its result (the window of the whole 7 s) comes out.</summary>
    /// <returns>The update.</returns>
    [Benchmark(Description = "End of a 7 s recording to its result")]
    public async Task<EmotionUpdate> EndOfRecordingToResult()
    {
        await _recording!.WriteAudioAsync(_speech.AsMemory(7 * Rate - Chunk, Chunk), Rate);
        await _recordingUpdates!.MoveNextAsync();
        return _recordingUpdates.Current;
    }

    /// <summary>Ends the recording's stream.</summary>
    [IterationCleanup(Target = nameof(EndOfRecordingToResult))]
    public void CloseTheRecording()
    {
        _recordingUpdates?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _recording?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Releases the streams, the recognizer and the photo.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _liveUpdates?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _live?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _recognizer?.Dispose();
        _photo?.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<int> StreamTenSecondsAsync(double? maxFrameRate)
    {
        await using EmotionStreamSession session = _recognizer.OpenStream(new StreamOptions { MaxBacklog = 1024, MaxPendingUpdates = 64, MaxFrameRate = maxFrameRate });
        Task<int> reading = CountAsync(session);
        int frame = 0;
        for (int start = 0; start < 10 * Rate; start += Chunk)
        {
            var end = TimeSpan.FromSeconds((double)(start + Chunk) / Rate);
            for (; frame < _tenSecondsOfFrames.Length && TimeSpan.FromSeconds((double)frame / FramesPerSecond) < end; frame++)
            {
                // Not dropped: the backlog holds ten seconds of frames.
                session.TryWriteFrame(_tenSecondsOfFrames[frame], TimeSpan.FromSeconds((double)frame / FramesPerSecond));
            }

            await session.WriteAudioAsync(_speech.AsMemory(start % (_speech.Length - Chunk), Chunk), Rate);
        }

        session.Complete();
        return await reading;
    }

    private static async Task<int> CountAsync(EmotionStreamSession session)
    {
        int count = 0;
        await foreach (EmotionUpdate update in session.ReadUpdatesAsync())
        {
            count++;
        }

        return count;
    }

    /// <summary>Writes one second: per 100 ms, its frames and then its audio (the last chunk only when asked).</summary>
    private async Task<long> WriteHopAsync(EmotionStreamSession session, bool includeLastChunk, long? from = null)
    {
        long sample = from ?? _liveSample;
        for (int chunk = 0; chunk < 10; chunk++)
        {
            long end = sample + Chunk;
            for (long f = (sample * FramesPerSecond + Rate - 1) / Rate; f * Rate < end * FramesPerSecond; f++)
            {
                session.TryWriteFrame(_photo.Clone(), TimeSpan.FromSeconds((double)f / FramesPerSecond));
            }

            if (chunk < 9 || includeLastChunk)
            {
                await session.WriteAudioAsync(_speech.AsMemory((int)(sample % (_speech.Length - Chunk)), Chunk), Rate);
                sample = end;
            }
        }

        if (from is null)
        {
            _liveSample = sample;
        }

        return sample;
    }

    private async Task WriteAudioAsync(EmotionStreamSession session, int samples)
    {
        await session.WriteAudioAsync(_speech.AsMemory((int)(_liveSample % (_speech.Length - samples)), samples), Rate);
        _liveSample += samples;
    }

    /// <summary>The default columns plus the median and the 95th percentile of the measured iterations.</summary>
    private sealed class PercentileConfig : ManualConfig
    {
        public PercentileConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95);
    }
}
