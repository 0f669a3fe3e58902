using System.Text.Json.Nodes;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Onnx;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Models;

public sealed class ModelSetTests : IDisposable
{
    private readonly ModelFolderCopy _copy = new(PipelineCases.TinyModels, "neurosync-models");

    [Fact]
    public void Load_TinyModels_ReadsManifest()
    {
        ModelSet set = ModelSetLoader.Load(_copy.Path);
        Assert.Equal("tiny-test", set.Manifest.Name);
        Assert.Equal(EmotionLabelSet.Default, set.Labels);
    }

    [Fact]
    public void Load_ManifestFilePath_ReadsThatManifestAndResolvesFilesInItsFolder()
    {
        string variant = Path.Combine(_copy.Path, "neurosync.variant.json");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_copy.Path, "neurosync.json")))!;
        json["name"] = "variant";
        File.WriteAllText(variant, json.ToJsonString());

        ModelSet set = ModelSetLoader.Load(variant);

        Assert.Equal("variant", set.Manifest.Name);
        Assert.Equal(Path.GetFullPath(_copy.Path), set.Directory);
        Assert.Equal(Path.Combine(Path.GetFullPath(_copy.Path), "audio_encoder.onnx"), set.AudioEncoderPath);
    }

    [Fact]
    public void Load_MissingFolder_NamesIt()
    {
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(Path.Combine(_copy.Path, "nope")));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingManifest_SaysSo()
    {
        File.Delete(Path.Combine(_copy.Path, "neurosync.json"));
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));
        Assert.Contains("neurosync.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingModelFile_NamesTheFile()
    {
        File.Delete(Path.Combine(_copy.Path, "fusion.onnx"));
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));
        Assert.Contains("fusion.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "expected valid neurosync.json")]
    [InlineData("""{"name":"x"}""", "expected valid neurosync.json")]
    public void Load_InvalidJson_SaysWhere(string json, string expected)
    {
        File.WriteAllText(Path.Combine(_copy.Path, "neurosync.json"), json);
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audio.sampleRte", "16000", "sampleRte")]
    [InlineData("audio.model.file", "\"../audio_encoder.onnx\"", "audio.model")]
    [InlineData("video.channelOrder", "\"bgra\"", "video.channelOrder")]
    [InlineData("video.cropSize", "112", "video.model.inputShape")]
    [InlineData("postprocessing.silenceOverrideLabels", "[\"bored\"]", "silenceOverrideLabels")]
    [InlineData("video.frameStride", "0", "FrameStride")]
    public void Load_InvalidManifestValue_NamesTheField(string path, string value, string expectedFragment)
    {
        _copy.EditManifest(path, JsonNode.Parse(value));
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fusion")]
    [InlineData("audio")]
    [InlineData("audio.model.inputShape")]
    [InlineData("video.mean")]
    [InlineData("video.faceCrop")]
    [InlineData("postprocessing.silenceOverrideLabels")]
    public void Load_FieldWrittenAsNull_NamesIt(string path)
    {
        _copy.EditManifest(path, null);

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_copy.Path));

        Assert.True(ex.Message.Contains($"$.{path}: expected a value, found null; leave the field out", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public void Create_ManifestInputNameDiffersFromModel_FailsAtLoadNamingTensorAndFile()
    {
        _copy.EditManifest("audio.model.input", JsonNode.Parse("\"waveform\""));
        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_copy.Path));
        Assert.Contains("audio_encoder.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'waveform'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("input_values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ManifestFeatureDimensionDiffersFromModel_FailsAtLoadWithShapes()
    {
        _copy.EditManifest("video.model.outputShape", JsonNode.Parse("[-1, 1280]"));
        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_copy.Path));
        Assert.Contains("[-1, 1280]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[-1, 64]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ModelFilesSwapped_FailsAtLoad()
    {
        File.Copy(Path.Combine(_copy.Path, "fusion.onnx"), Path.Combine(_copy.Path, "visual_encoder.onnx"), overwrite: true);
        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_copy.Path));
        Assert.Contains("visual_encoder.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CorruptModelFile_FailsAtLoad()
    {
        File.WriteAllBytes(Path.Combine(_copy.Path, "audio_encoder.onnx"), [1, 2, 3, 4]);
        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_copy.Path));
        Assert.Contains("audio_encoder.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NegativeThreads_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmotionRecognizer.Create(_copy.Path, new OnnxRuntimeOptions { IntraOpNumThreads = -1 }));
    }

    [Fact]
    public void Load_FieldsLeftOut_TakeTheDocumentedDefaults()
    {
        // docs/models.md: fields with a default may be left out; the defaults reproduce the original system.
        foreach (string field in new[] { "postprocessing", "video.frameStride", "video.cropSize", "video.mean", "video.std", "video.channelOrder",
                     "video.emptyVideoFrameCount", "video.faceDetector", "audio.sampleRate", "audio.maxSamples", "audio.normalize",
                     "audio.normalizationEpsilon", "audio.silenceRmsThreshold" })
        {
            _copy.RemoveFromManifest(field);
        }

        ModelSet set = ModelSetLoader.Load(_copy.Path);
        ModelManifest manifest = set.Manifest;

        Assert.Equal(["angry", "fear"], manifest.Postprocessing.SilenceOverrideLabels);
        Assert.Equal("neutral (silence)", manifest.Postprocessing.SilenceOverrideLabel);
        Assert.Equal(10, manifest.Video.FrameStride);
        Assert.Equal(224, manifest.Video.CropSize);
        Assert.Equal([0.485f, 0.456f, 0.406f], manifest.Video.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], manifest.Video.Std);
        Assert.Equal(10, manifest.Video.EmptyVideoFrameCount);
        Assert.Equal(1.1, set.CreateHaarDetectorOptions().ScaleFactor, 6);
        Assert.Equal(5, set.CreateHaarDetectorOptions().MinNeighbors);
        Assert.Equal(16000, manifest.Audio.SampleRate);
        Assert.Equal(112000, manifest.Audio.MaxSamples);
        Assert.True(manifest.Audio.Normalize);
        Assert.Equal(1e-7, manifest.Audio.NormalizationEpsilon, 12);
        Assert.Equal(0.015, manifest.Audio.SilenceRmsThreshold, 6);
    }

    public void Dispose() => _copy.Dispose();
}
