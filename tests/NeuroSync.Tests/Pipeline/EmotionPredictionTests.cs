using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Pipeline;

/// <summary>What a caller may and may not do with a prediction it was handed.</summary>
public sealed class EmotionPredictionTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task Scores_CastToAnArrayAndWritten_StayAsPredicted()
    {
        EmotionPrediction prediction = await models.Recognizer.RecognizeAsync(new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) });
        float[] before = [.. prediction.Scores];

        if (prediction.Scores is float[] live)
        {
            live[0] = 42f; // what the record's documentation says cannot happen
        }

        Assert.IsNotType<float[]>(prediction.Scores);
        Assert.Equal(before, prediction.Scores); // tolerance: exact
        Assert.Throws<NotSupportedException>(() => ((IList<float>)prediction.Scores)[0] = 42f);
    }

    [Fact]
    public void Init_CopiesTheListsItIsGiven()
    {
        float[] scores = [0.25f, 0.75f];
        FrameAnalysis[] frames = [new FrameAnalysis(0, VideoStatus.Available, null, 100f, 30f)];
        var prediction = new EmotionPrediction
        {
            Label = "b",
            RawLabel = "b",
            Confidence = 0.75f,
            Labels = new EmotionLabelSet(["a", "b"]),
            Scores = scores,
            Mask = new ModalityMask(AudioStatus.Missing, VideoStatus.Available),
            Frames = frames,
        };

        scores[0] = 1f;
        frames[0] = frames[0] with { Status = VideoStatus.TooDark };

        Assert.Equal([0.25f, 0.75f], prediction.Scores);
        Assert.Equal(VideoStatus.Available, prediction.Frames[0].Status);
    }
}
