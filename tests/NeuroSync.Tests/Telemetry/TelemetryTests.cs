using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NeuroSync.Audio;
using NeuroSync.Tests.Pipeline;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public async Task RecognizeAsync_WithMeterFactory_EmitsDurationsAndPredictionCounter()
    {
        using var meterFactory = new TestMeterFactory();
        using var recognizer = new OpenTelemetryEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original), meterFactory);
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using MeterListener listener = Listen(meterFactory, measurements);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) });

        var total = Assert.Single(measurements, m => m.Instrument == "neurosync.recognition.duration");
        Assert.Equal(prediction.Timings.Total.TotalSeconds, total.Value, 9);
        Assert.Equal("available", total.Tags["neurosync.audio.status"]);
        Assert.Equal("noframes", total.Tags["neurosync.video.status"]);
        Assert.Equal("tiny-test", total.Tags["neurosync.model_set"]);
        var counted = Assert.Single(measurements, m => m.Instrument == "neurosync.predictions");
        Assert.Equal(1, counted.Value);
        Assert.Equal(prediction.Label, counted.Tags["neurosync.label"]);
        var stages = measurements.Where(m => m.Instrument == "neurosync.stage.duration").Select(m => (string)m.Tags["neurosync.stage"]!).ToHashSet();
        Assert.Superset(new HashSet<string> { "audio_preprocessing", "audio_encoder", "fusion" }, stages);
    }

    [Fact]
    public async Task RecognizeAsync_WithActivityListener_EmitsRecognitionSpanWithStageChildren()
    {
        using var testSource = new ActivitySource("NeuroSync.Tests.Telemetry");
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "NeuroSync" or "NeuroSync.Tests.Telemetry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var recognizer = new OpenTelemetryEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original));
        using var clip = EmotionRecognizerParityTests.Clip.Load(PipelineCases.Load().Cases.Single(c => c.Case == "two_faces"));

        ActivityTraceId trace;
        using (Activity parent = testSource.StartActivity("test")!)
        {
            trace = parent.TraceId;
            await recognizer.RecognizeAsync(clip.Input);
        }

        var mine = stopped.Where(a => a.TraceId == trace).ToList();
        Activity recognize = Assert.Single(mine, a => a.OperationName == "neurosync.recognize");
        Assert.Equal("surprise", recognize.GetTagItem("neurosync.label"));
        var children = mine.Where(a => a.ParentSpanId == recognize.SpanId).Select(a => a.OperationName).ToHashSet();
        Assert.Equal(
            new HashSet<string> { "neurosync.audio.preprocess", "neurosync.audio.encode", "neurosync.video.preprocess", "neurosync.video.encode", "neurosync.fusion" },
            children);
    }

    [Fact]
    public async Task Logging_LoadResampleFailure_AreLoggedWithoutSamples()
    {
        var logs = new TestLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var recognizer = new LoggingEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original), factory.CreateLogger("NeuroSync"));
        var stereo44k = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_stereo_44100_pcm16.wav"));

        await recognizer.RecognizeAsync(new EmotionInput { Audio = stereo44k });
        await recognizer.RecognizeAsync(new EmotionInput { Audio = stereo44k });
        var nan = new float[1000];
        nan[3] = float.NaN;
        await Assert.ThrowsAsync<InvalidAudioException>(() => recognizer.RecognizeAsync(new EmotionInput { Audio = new AudioClip(nan, 16_000) }));

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("tiny-test", StringComparison.Ordinal));
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("44100 Hz", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("InvalidAudioException", StringComparison.Ordinal));
        Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.StartsWith("Recognition finished", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Logging_ClipsAtManySampleRates_KeepsABoundedSetOfLoggedRates()
    {
        // The sample rate is the caller's: a client sending a new rate with every request must not grow the recognizer.
        var logs = new TestLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var recognizer = new LoggingEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original), factory.CreateLogger("NeuroSync"));

        for (int rate = 8_001; rate <= 8_040; rate++)
        {
            await recognizer.RecognizeAsync(new EmotionInput { Audio = new AudioClip(new float[rate / 10], rate) });
        }

        Assert.Equal(16, recognizer.LoggedRateCount);
        Assert.Equal(16, logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("resampled", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenTelemetry_Failure_RecordsTheDurationWithTheErrorTypeAndTheExecutionProvider()
    {
        using var meterFactory = new TestMeterFactory();
        using var recognizer = new OpenTelemetryEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original), meterFactory);
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using MeterListener listener = Listen(meterFactory, measurements);
        var nan = new float[1000];
        nan[3] = float.NaN;

        await Assert.ThrowsAsync<InvalidAudioException>(() => recognizer.RecognizeAsync(new EmotionInput { Audio = new AudioClip(nan, 16_000) }));

        var total = Assert.Single(measurements, m => m.Instrument == "neurosync.recognition.duration");
        Assert.Equal(typeof(InvalidAudioException).FullName, total.Tags["error.type"]);
        Assert.Equal("cpu", total.Tags["neurosync.execution_provider"]);
        Assert.Same(meterFactory.Meters.Single(), recognizer.GetService(typeof(Meter)));
    }

    /// <summary>Collects every measurement of the meters <paramref name="meterFactory"/> made.</summary>
    private static MeterListener Listen(TestMeterFactory meterFactory, ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meterFactory.Meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public ConcurrentBag<Meter> Meters { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            Meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
