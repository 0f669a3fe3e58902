using System.Text.Json.Nodes;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Models;

public sealed class LiteModelSetTests : IDisposable
{
    private readonly ModelFolderCopy _copy = new(LiteModels.Folder, "neurosync-lite");

    [Fact]
    public void Load_LiteSet_ReadsTheLateFusionManifest()
    {
        ModelSet set = ModelSetLoader.Load(_copy.Path);

        Assert.True(set.IsLateFusion);
        Assert.Equal(EmotionLabelSet.Default, set.Labels);
        Assert.Null(set.AudioEncoderPath);
        Assert.Null(set.FusionPath);
        Assert.Equal(["emotion_fer.onnx", "face_expression.onnx"], set.VisualClassifierPaths.Select(Path.GetFileName));
        Assert.EndsWith("blazeface.onnx", set.FaceDetectorPath, StringComparison.Ordinal);
        Assert.EndsWith("silero_vad_v5_sequence.onnx", set.VoiceActivityPath, StringComparison.Ordinal);
        Assert.Equal(["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"], set.Manifest.Video.Classifiers![0].Labels);
        Assert.Equal(["neutral", "happy", "sad", "angry", "fear", "disgust", "surprise"], set.Manifest.Video.Classifiers![1].Labels);
    }

    [Theory]
    [InlineData("video.classifiers.1.labels", """["angry","disgust","fear","happy","sad","surprise","bored"]""", "video.classifiers[1].labels")]
    [InlineData("video.classifiers.0.inputFormat", "\"bgr\"", "video.classifiers[0].inputFormat")]
    [InlineData("video.classifiers.1.region", """{"scale": 1.5}""", "video.classifiers[1].region.scale")]
    [InlineData("video.classifiers.0.weight", "0", "video.classifiers[0].weight")]
    [InlineData("video.classifier", """{"file": "emotion_fer.onnx", "input": "input_1", "output": "Identity", "labels": ["happy", "sad"]}""", "not both")]
    [InlineData("video.channelOrder", "\"bgr\"", "for a classifier")]
    [InlineData("video.faceDetector.type", "\"dnn\"", "video.faceDetector.type")]
    [InlineData("video.faceDetector.file", "\"../blazeface.onnx\"", "video.faceDetector.file")]
    [InlineData("video.faceDetector.minConfidence", "1.5", "MinConfidence")]
    [InlineData("audio.voiceActivity.type", "\"webrtc\"", "audio.voiceActivity.type")]
    [InlineData("audio.sampleRate", "8000", "Silero")]
    [InlineData("fusion.type", "\"early\"", "fusion.type")]
    [InlineData("fusion.file", "\"fusion.onnx\"", "late fusion")]
    [InlineData("fusion.videoWeight", "0", "fusion weights")]
    [InlineData("audio.voiceActivity.treshold", "0.5", "treshold")]
    public void Load_InvalidLiteManifestValue_NamesTheField(string path, string value, string expectedFragment)
    {
        _copy.EditManifest(path, JsonNode.Parse(value));

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));

        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDetectorFile_NamesIt()
    {
        File.Delete(Path.Combine(_copy.Path, "blazeface.onnx"));

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));

        Assert.Contains("blazeface.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ClassifierFileIsTheDetector_FailsAtLoadNamingTheTensor()
    {
        File.Copy(Path.Combine(_copy.Path, "blazeface.onnx"), Path.Combine(_copy.Path, "emotion_fer.onnx"), overwrite: true);

        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_copy.Path));

        Assert.Contains("emotion_fer.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("input_1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxFusionEngine_OnALateFusionSet_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<ModelMismatchException>(() => new NeuroSync.Fusion.OnnxFusionEngine(ModelSetLoader.Load(_copy.Path)));

        Assert.Contains("fusion.file", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _copy.Dispose();
}
