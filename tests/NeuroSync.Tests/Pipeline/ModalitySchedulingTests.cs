using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Pipeline;

/// <summary><see cref="EmotionRecognizerOptions.ModalityScheduling"/>: what runs when, and that the answer does not depend on it.</summary>
public sealed class ModalitySchedulingTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    private static readonly PipelineCase SpeechAndFace = PipelineCases.Load().Cases.Single(c => c.Case == "speech_and_face");

    [Theory]
    [InlineData(ModalityScheduling.Sequential)]
    [InlineData(ModalityScheduling.Automatic)] // everything on the CPU here
    public async Task Sequential_TheVideoPathNeverStartsWhileTheAudioEncoderRuns(ModalityScheduling scheduling)
    {
        var tracker = new PathTracker(TimeSpan.FromSeconds(1));
        using var recognizer = Rebuild(tracker, scheduling);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.True(tracker.VideoStarted);
        Assert.False(tracker.Overlapped);
    }

    [Fact]
    public async Task Overlapped_TheVideoPathRunsWhileTheAudioEncoderRuns()
    {
        var tracker = new PathTracker(TimeSpan.FromSeconds(30));
        using var recognizer = Rebuild(tracker, ModalityScheduling.Overlapped);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.True(tracker.Overlapped);
    }

    [Fact]
    public async Task Automatic_ACustomEncoderOnAnAccelerator_OverlapsThePaths()
    {
        var tracker = new PathTracker(TimeSpan.FromSeconds(30));
        using var recognizer = Rebuild(tracker, ModalityScheduling.Automatic, audioOnAccelerator: true);
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        await recognizer.RecognizeAsync(clip.Input);

        Assert.True(tracker.Overlapped);
    }

    [Theory]
    [InlineData(ModalityScheduling.Sequential)]
    [InlineData(ModalityScheduling.Overlapped)]
    public async Task EveryScheduling_GivesTheGoldenPrediction(ModalityScheduling scheduling)
    {
        using var recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => { o.ModalityScheduling = scheduling; o.Mode = RecognitionMode.Original; });
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(clip.Input);

        EmotionPrediction reference = await models.Recognizer.RecognizeAsync(clip.Input);
        Assert.Equal(reference.Scores, prediction.Scores); // tolerance: exact, the paths are independent
        EmotionRecognizerParityTests.AssertClose(SpeechAndFace.Probabilities, prediction.Scores, SpeechAndFace.Case);
    }

    [Fact]
    public async Task Create_Configure_ChangesTheSettingsFilledFromTheManifest()
    {
        using var recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => { o.ComputeContributions = false; o.Mode = RecognitionMode.Original; });
        using var clip = EmotionRecognizerParityTests.Clip.Load(SpeechAndFace);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(clip.Input);

        Assert.Null(prediction.Contributions);
        Assert.Equal(SpeechAndFace.RawLabel, prediction.RawLabel);
    }

    [Fact]
    public void Create_UndefinedScheduling_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.ModalityScheduling = (ModalityScheduling)7));
        Assert.Contains("ModalityScheduling", ex.Message, StringComparison.Ordinal);
        Assert.Equal("configure", ex.ParamName);
    }

    private EmotionRecognizer Rebuild(PathTracker tracker, ModalityScheduling scheduling, bool audioOnAccelerator = false) => new(
        new TrackedAudioEncoder((IAudioEncoder)models.Recognizer.GetService(typeof(IAudioEncoder))!, tracker, audioOnAccelerator),
        (IVisualEncoder)models.Recognizer.GetService(typeof(IVisualEncoder))!,
        (IFusionEngine)models.Recognizer.GetService(typeof(IFusionEngine))!,
        new AudioPreprocessor(),
        new VideoPreprocessor(new TrackedFaceDetector(new HaarFaceDetector(), tracker)),
        new EmotionRecognizerOptions { ModalityScheduling = scheduling, Mode = RecognitionMode.Original });

    /// <summary>Sees whether the audio encoder and the video path's face search ever run at the same time. The first call of
    /// each waits (up to <paramref name="meetingTime"/>) for the other to start, so paths that overlap are always caught inside
    /// together, and paths one after the other never are.</summary>
    private sealed class PathTracker(TimeSpan meetingTime)
    {
        private readonly TaskCompletionSource _audioStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _videoStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _audioRunning; // calls inside now (frames are searched in parallel)
        private int _videoRunning;
        private int _overlapped;

        public bool Overlapped => Volatile.Read(ref _overlapped) == 1;

        public bool VideoStarted => _videoStarted.Task.IsCompleted;

        public IReadOnlyList<FaceBox> RunFaceSearch(Func<IReadOnlyList<FaceBox>> search)
        {
            bool first = Enter(ref _videoRunning, ref _audioRunning, _videoStarted);
            try
            {
                if (first)
                {
                    _audioStarted.Task.Wait(meetingTime);
                }

                return search();
            }
            finally
            {
                Interlocked.Decrement(ref _videoRunning);
            }
        }

        public async Task<T> RunAudioAsync<T>(Func<Task<T>> encode)
        {
            bool first = Enter(ref _audioRunning, ref _videoRunning, _audioStarted);
            try
            {
                if (first)
                {
                    await Task.WhenAny(_videoStarted.Task, Task.Delay(meetingTime));
                }

                return await encode();
            }
            finally
            {
                Interlocked.Decrement(ref _audioRunning);
            }
        }

        // Both sides publish that they run before they look at the other (full fences), so of two that overlap, the later
        // one always sees the earlier one.
        private bool Enter(ref int mine, ref int other, TaskCompletionSource started)
        {
            Interlocked.Increment(ref mine);
            if (Volatile.Read(ref other) > 0)
            {
                Interlocked.Exchange(ref _overlapped, 1);
            }

            return started.TrySetResult();
        }
    }

    private sealed class TrackedAudioEncoder(IAudioEncoder inner, PathTracker tracker, bool onAccelerator) : IAudioEncoder
    {
        public int InputLength => inner.InputLength;

        public bool RunsOnAccelerator => onAccelerator;

        public int FeatureDimension => inner.FeatureDimension;

        public async ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
            => await tracker.RunAudioAsync(() => inner.EncodeAsync(waveform, cancellationToken).AsTask());

        public void Dispose()
        {
        }
    }

    private sealed class TrackedFaceDetector(IFaceDetector inner, PathTracker tracker) : IFaceDetector
    {
        public IReadOnlyList<FaceBox> DetectFaces(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image, CancellationToken cancellationToken = default)
            => tracker.RunFaceSearch(() => inner.DetectFaces(image, cancellationToken));
    }
}
