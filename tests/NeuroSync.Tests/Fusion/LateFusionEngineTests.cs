using NeuroSync.Fusion;

namespace NeuroSync.Tests.Fusion;

public sealed class LateFusionEngineTests
{
    private static readonly string[] FerLabels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    [Fact]
    public async Task Fuse_VideoOnly_MapsFerOrderToOursByNameAndAveragesFrames()
    {
        using var engine = new LateFusionEngine(EmotionLabelSet.Default, audioLabels: null, FerLabels);
        // Two frames in FER order: 0.8 / 0.6 happy, 0.2 / 0.4 neutral.
        using var video = Matrix([0, 0, 0, 0.8f, 0, 0, 0.2f], [0, 0, 0, 0.6f, 0, 0, 0.4f]);
        using var audio = Matrix([0f]);

        float[] p = Softmax(await engine.FuseAsync(audio, video, new ModalityMask(AudioStatus.NoSpeech, VideoStatus.Available)));

        Assert.Equal(0.7f, p[EmotionLabelSet.Default.IndexOf("happy")], Tolerances.AudioPreprocessing);
        Assert.Equal(0.3f, p[EmotionLabelSet.Default.IndexOf("neutral")], Tolerances.AudioPreprocessing);
        Assert.Equal(0f, p[EmotionLabelSet.Default.IndexOf("sad")], Tolerances.AudioPreprocessing);
    }

    [Theory]
    [InlineData(AudioStatus.Available, VideoStatus.Available, 0.25f)] // weights 1 : 3
    [InlineData(AudioStatus.Available, VideoStatus.NoFace, 1f)] // only the voice counts
    [InlineData(AudioStatus.NoSpeech, VideoStatus.Available, 0f)] // only the face counts
    [InlineData(AudioStatus.NoSpeech, VideoStatus.NoFace, 0.5f)] // nothing available: both count equally
    public async Task Fuse_TheMaskDecidesTheWeights(AudioStatus audioStatus, VideoStatus videoStatus, float audioShare)
    {
        string[] ours = [.. EmotionLabelSet.Default];
        using var engine = new LateFusionEngine(EmotionLabelSet.Default, ours, FerLabels, audioWeight: 1f, videoWeight: 3f);
        using var audio = Matrix([1, 0, 0, 0, 0, 0, 0]); // angry, in our order
        using var video = Matrix([0, 0, 0, 1, 0, 0, 0]); // happy, in FER order

        float[] p = Softmax(await engine.FuseAsync(audio, video, new ModalityMask(audioStatus, videoStatus)));

        Assert.Equal(audioShare, p[0], Tolerances.AudioPreprocessing);
        Assert.Equal(1f - audioShare, p[3], Tolerances.AudioPreprocessing);
    }

    [Fact]
    public void Create_UnknownClassifierLabel_NamesIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LateFusionEngine(EmotionLabelSet.Default, null, ["happy", "bored"]));

        Assert.Contains("'bored'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fuse_WrongColumnCount_Throws()
    {
        using var engine = new LateFusionEngine(EmotionLabelSet.Default, null, FerLabels);
        using var audio = Matrix([0f]);
        using var video = Matrix([0.5f, 0.5f]);

        await Assert.ThrowsAsync<ArgumentException>(async () => await engine.FuseAsync(audio, video, new ModalityMask(AudioStatus.Missing, VideoStatus.Available)));
    }

    private static FeatureMatrix Matrix(params float[][] rows) => new(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);

    private static float[] Softmax(float[] logits)
    {
        var p = new float[logits.Length];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, p);
        return p;
    }
}
