using NeuroSync.Audio;
using NeuroSync.Models;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Pipeline;

public sealed class EmotionRecognizerTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task ZeroInputCache_SilentAudio_IsBitIdenticalToRunningTheEncoderOnZeros()
    {
        var encoder = (IAudioEncoder)models.Recognizer.GetService(typeof(IAudioEncoder))!;
        using FeatureMatrix direct = await encoder.EncodeAsync(new float[encoder.InputLength]);
        var counting = new CountingAudioEncoder(encoder);
        using var recognizer = Rebuild(counting);
        var silent = new EmotionInput { Audio = new AudioClip(new float[16_000], 16_000) };

        EmotionPrediction first = await recognizer.RecognizeAsync(silent);
        EmotionPrediction second = await recognizer.RecognizeAsync(silent);

        Assert.Equal(1, counting.Calls);
        Assert.Equal(direct.Memory.ToArray(), counting.LastOutput); // tolerance: exact
        Assert.Equal(first.Scores, second.Scores);
    }

    [Fact]
    public async Task ZeroInputCache_NoFrames_MatchesEncodingTenZeroFrames()
    {
        var encoder = (IVisualEncoder)models.Recognizer.GetService(typeof(IVisualEncoder))!;
        var fusion = (IFusionEngine)models.Recognizer.GetService(typeof(IFusionEngine))!;
        var audio = new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) };
        var audioEncoder = (IAudioEncoder)models.Recognizer.GetService(typeof(IAudioEncoder))!;
        float[] waveform = new float[audioEncoder.InputLength];
        new AudioPreprocessor().Preprocess(audio.Audio!, waveform);
        using FeatureMatrix audioFeatures = await audioEncoder.EncodeAsync(waveform);
        using FeatureMatrix zeroFrames = await encoder.EncodeAsync(new float[10 * 3 * 224 * 224], 10);
        float[] logits = await fusion.FuseAsync(audioFeatures, zeroFrames, new ModalityMask(AudioStatus.Available, VideoStatus.NoFrames));

        EmotionPrediction prediction = await models.Recognizer.RecognizeAsync(audio);

        float[] expected = new float[logits.Length];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, expected);
        Assert.Equal(expected, prediction.Scores); // tolerance: exact
        Assert.Equal(VideoStatus.NoFrames, prediction.Mask.Video);
    }

    [Fact]
    public async Task RecognizeAsync_ThirtyTwoConcurrentCalls_EqualSequentialResults()
    {
        var cases = PipelineCases.Load().Cases;
        var clips = cases.Select(EmotionRecognizerParityTests.Clip.Load).ToList();
        try
        {
            var sequential = new List<EmotionPrediction>();
            foreach (var clip in clips)
            {
                sequential.Add(await models.Recognizer.RecognizeAsync(clip.Input));
            }

            var concurrent = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() => models.Recognizer.RecognizeAsync(clips[i % clips.Count].Input))));

            for (int i = 0; i < concurrent.Length; i++)
            {
                EmotionPrediction expected = sequential[i % clips.Count];
                Assert.Equal(expected.Scores, concurrent[i].Scores); // tolerance: exact
                Assert.Equal(expected.Label, concurrent[i].Label);
                Assert.Equal(expected.Mask, concurrent[i].Mask);
            }
        }
        finally
        {
            clips.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task RecognizeAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var clip = EmotionRecognizerParityTests.Clip.Load(PipelineCases.Load().Cases[0]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.Recognizer.RecognizeAsync(clip.Input, cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task RecognizeAsync_NaNInAudio_ThrowsInvalidAudioException()
    {
        var samples = new float[16_000];
        samples[123] = float.NaN;
        await Assert.ThrowsAsync<InvalidAudioException>(() => models.Recognizer.RecognizeAsync(new EmotionInput { Audio = new AudioClip(samples, 16_000) }));
    }

    [Fact]
    public async Task RecognizeAsync_NothingAtAll_ReportsMissingAudioAndNoFrames()
    {
        EmotionPrediction prediction = await models.Recognizer.RecognizeAsync(new EmotionInput());

        Assert.Equal(new ModalityMask(AudioStatus.Missing, VideoStatus.NoFrames), prediction.Mask);
        Assert.Equal(1f, prediction.Scores.Sum(), 5);
        Assert.Equal(new ModalityContributions(0, 0), prediction.Contributions);
    }

    [Fact]
    public void GetService_ModelSetAndManifest_AreReachable()
    {
        Assert.Equal("tiny-test", ((ModelManifest)models.Recognizer.GetService(typeof(ModelManifest))!).Name);
        Assert.Same(models.Recognizer, models.Recognizer.GetService(typeof(IEmotionRecognizer)));
        Assert.Null(models.Recognizer.GetService(typeof(ModelSet), "some key"));
    }

    [Fact]
    public async Task Dispose_ThenRecognize_ThrowsObjectDisposed()
    {
        var recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original);
        recognizer.Dispose();
        recognizer.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => recognizer.RecognizeAsync(new EmotionInput()));
    }

    private EmotionRecognizer Rebuild(IAudioEncoder audioEncoder) => new(
        audioEncoder,
        (IVisualEncoder)models.Recognizer.GetService(typeof(IVisualEncoder))!,
        (IFusionEngine)models.Recognizer.GetService(typeof(IFusionEngine))!,
        new AudioPreprocessor(),
        new VideoPreprocessor(),
        new EmotionRecognizerOptions { Mode = RecognitionMode.Original });

    /// <summary>Counts encoder runs and keeps the last output, passing everything else through.</summary>
    private sealed class CountingAudioEncoder(IAudioEncoder inner) : IAudioEncoder
    {
        public int Calls { get; private set; }

        public float[]? LastOutput { get; private set; }

        public int InputLength => inner.InputLength;

        public int FeatureDimension => inner.FeatureDimension;

        public async ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
        {
            Calls++;
            FeatureMatrix result = await inner.EncodeAsync(waveform, cancellationToken);
            LastOutput = result.Memory.ToArray();
            return result;
        }

        public void Dispose()
        {
        }
    }
}
