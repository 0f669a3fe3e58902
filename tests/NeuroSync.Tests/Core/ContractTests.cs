using System.Buffers;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Core;

public class ContractTests
{
    [Fact]
    public void EmotionLabelSet_Default_HasTheOriginalsSevenLabelsInIndexOrder()
    {
        Assert.Equal(["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"], EmotionLabelSet.Default);
        Assert.Equal(4, EmotionLabelSet.Default.IndexOf("NEUTRAL"));
        Assert.Equal(-1, EmotionLabelSet.Default.IndexOf("contempt"));
    }

    [Theory]
    [InlineData("happy")]
    [InlineData("happy,Happy")]
    [InlineData("happy, ")]
    public void EmotionLabelSet_InvalidLabels_ThrowsArgumentException(string labels)
    {
        Assert.Throws<ArgumentException>(() => new EmotionLabelSet(labels.Split(',')));
    }

    [Theory]
    [InlineData(AudioStatus.Silent, VideoStatus.Covered, "audio: silent, video: camera covered")]
    [InlineData(AudioStatus.Available, VideoStatus.NoFace, "audio: available, video: no face")]
    [InlineData(AudioStatus.Missing, VideoStatus.TooDark, "audio: missing, video: too dark")]
    public void ModalityMask_ToString_DescribesBothModalitiesInWords(AudioStatus audio, VideoStatus video, string expected)
    {
        Assert.Equal(expected, new ModalityMask(audio, video).ToString());
    }

    [Fact]
    public void EmotionPrediction_ScoreOf_FindsLabelCaseInsensitivelyAndRejectsUnknown()
    {
        var prediction = new EmotionPrediction
        {
            Label = "happy",
            RawLabel = "happy",
            Confidence = 0.7f,
            Labels = EmotionLabelSet.Default,
            Scores = [0.05f, 0.05f, 0.05f, 0.7f, 0.05f, 0.05f, 0.05f],
            Mask = new ModalityMask(AudioStatus.Available, VideoStatus.Available),
        };

        Assert.Equal(0.7f, prediction.ScoreOf("Happy"));
        Assert.Throws<ArgumentException>(() => prediction.ScoreOf("bored"));
    }

    [Fact]
    public void FeatureMatrix_OwnedMemory_IsReleasedOnDisposeAndThenUnreadable()
    {
        var owner = new TrackingOwner(12);
        var matrix = new FeatureMatrix(owner, 3, 4);
        owner.Memory.Span[5] = 42f;

        Assert.Equal(42f, matrix.GetRow(1)[1]);
        matrix.Dispose();

        Assert.True(owner.Disposed);
        Assert.Throws<ObjectDisposedException>(() => matrix.Memory);
    }

    [Fact]
    public void FeatureMatrix_MemoryShorterThanShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FeatureMatrix(new float[11], 3, 4));
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 0, 0, 10, 10, 1.0)]
    [InlineData(0, 0, 10, 10, 5, 0, 10, 10, 50.0 / 150.0)]
    [InlineData(0, 0, 10, 10, 20, 20, 5, 5, 0.0)]
    public void FaceBox_IntersectionOverUnion_IsAreaRatio(int x1, int y1, int w1, int h1, int x2, int y2, int w2, int h2, double expected)
    {
        Assert.Equal(expected, new FaceBox(x1, y1, w1, h1).IntersectionOverUnion(new FaceBox(x2, y2, w2, h2)), precision: 12);
    }

    private sealed class TrackingOwner(int length) : IMemoryOwner<float>
    {
        public Memory<float> Memory { get; } = new float[length];

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
