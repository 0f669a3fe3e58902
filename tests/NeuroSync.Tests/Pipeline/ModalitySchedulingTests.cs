using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Pipeline;

/// <summary><see cref="EmotionRecognizerOptions.ModalityScheduling"/>: what runs when, and that the answer does not depend on it.</summary>
public sealed class ModalitySchedulingTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    private static readonly PipelineCase SpeechAndFace = PipelineCases.Load().Cases.Single(c => c.Case == "speech_and_face");

    [Fact]
    public async Task Sequential_NeverRunsTheTwoEncodersAtTheSameTime()
    {
        var tracker = new EncoderTracker(TimeSpan.FromMilliseconds(250));
        using var recognizer = Rebuild(tracker, ModalityScheduling.Sequential);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.Equal(4, tracker.Calls); // both paths, and once each for the zero-input caches the contributions need
        Assert.Equal(1, tracker.MostAtOnce);
    }

    [Fact]
    public async Task Overlapped_RunsTheTwoEncodersAtTheSameTime()
    {
        var tracker = new EncoderTracker(TimeSpan.FromSeconds(30));
        using var recognizer = Rebuild(tracker, ModalityScheduling.Overlapped);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.Equal(2, tracker.MostAtOnce);
    }

    [Fact]
    public async Task Automatic_OnTheCpu_IsSequential()
    {
        var tracker = new EncoderTracker(TimeSpan.FromMilliseconds(250));
        using var recognizer = Rebuild(tracker, ModalityScheduling.Automatic);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.Equal(1, tracker.MostAtOnce);
    }

    [Theory]
    [InlineData(ModalityScheduling.Sequential)]
    [InlineData(ModalityScheduling.Overlapped)]
    public async Task EveryScheduling_GivesTheGoldenPrediction(ModalityScheduling scheduling)
    {
        using var recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, o => o.ModalityScheduling = scheduling);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(clip.Input);

        EmotionPrediction reference = await models.Recognizer.RecognizeAsync(clip.Input);
        Assert.Equal(reference.Scores, prediction.Scores); // tolerance: exact, the paths are independent
        EmotionRecognizerParityTests.AssertClose(SpeechAndFace.Probabilities, prediction.Scores, SpeechAndFace.Case);
    }

    [Fact]
    public async Task Create_Configure_ChangesTheSettingsFilledFromTheManifest()
    {
        using var recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, o => o.ComputeContributions = false);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(clip.Input);

        Assert.Null(prediction.Contributions);
        Assert.Equal(SpeechAndFace.RawLabel, prediction.RawLabel);
    }

    [Fact]
    public void Create_UndefinedScheduling_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EmotionRecognizer.Create(PipelineCases.TinyModels, o => o.ModalityScheduling = (ModalityScheduling)7));
        Assert.Contains("ModalityScheduling", ex.Message, StringComparison.Ordinal);
    }

    private EmotionRecognizer Rebuild(EncoderTracker tracker, ModalityScheduling scheduling) => new(
        new TrackedAudioEncoder((IAudioEncoder)models.Recognizer.GetService(typeof(IAudioEncoder))!, tracker),
        new TrackedVisualEncoder((IVisualEncoder)models.Recognizer.GetService(typeof(IVisualEncoder))!, tracker),
        (IFusionEngine)models.Recognizer.GetService(typeof(IFusionEngine))!,
        new AudioPreprocessor(),
        new VideoPreprocessor(),
        new EmotionRecognizerOptions { ModalityScheduling = scheduling });

    /// <summary>Counts how many encoders are running at once. Each encoder first waits (up to <paramref name="meetingTime"/>) for
    /// the other to start, so overlapped paths are always caught inside together and sequential ones never are.</summary>
    private sealed class EncoderTracker(TimeSpan meetingTime)
    {
        private readonly TaskCompletionSource _audioStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _videoStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _active;
        private int _mostAtOnce;
        private int _calls;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int Calls => Volatile.Read(ref _calls);

        public async Task<T> RunAsync<T>(bool audio, Func<Task<T>> encode)
        {
            Interlocked.Increment(ref _calls);
            int now = Interlocked.Increment(ref _active);
            InterlockedMax(ref _mostAtOnce, now);
            try
            {
                (audio ? _audioStarted : _videoStarted).TrySetResult();
                await Task.WhenAny((audio ? _videoStarted : _audioStarted).Task, Task.Delay(meetingTime));
                return await encode();
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    private sealed class TrackedAudioEncoder(IAudioEncoder inner, EncoderTracker tracker) : IAudioEncoder
    {
        public int InputLength => inner.InputLength;

        public int FeatureDimension => inner.FeatureDimension;

        public async ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
            => await tracker.RunAsync(audio: true, () => inner.EncodeAsync(waveform, cancellationToken).AsTask());

        public void Dispose()
        {
        }
    }

    private sealed class TrackedVisualEncoder(IVisualEncoder inner, EncoderTracker tracker) : IVisualEncoder
    {
        public int CropSize => inner.CropSize;

        public int FeatureDimension => inner.FeatureDimension;

        public async ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default)
            => await tracker.RunAsync(audio: false, () => inner.EncodeAsync(frames, frameCount, cancellationToken).AsTask());

        public void Dispose()
        {
        }
    }
}
