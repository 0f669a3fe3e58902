using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Fusion;

/// <summary>
/// A speech-emotion ONNX in the manifest's <c>audio.classifier</c> slot (the lite set plus the tiny generated classifier of
/// tools/models/make_audio_classifier.py), against that script's NumPy reference.
/// </summary>
public sealed class AudioClassifierTests : IDisposable
{
    private readonly ModelFolderCopy _set = new(LiteModels.Folder, "neurosync-audio-classifier");
    private readonly JsonElement _expected = JsonDocument.Parse(File.ReadAllText(TestFiles.Path("AudioClassifier", "expected.json"))).RootElement;

    public AudioClassifierTests()
    {
        File.Copy(TestFiles.Path("AudioClassifier", "speech_emotion_tiny.onnx"), Path.Combine(_set.Path, "speech_emotion_tiny.onnx"));
        _set.EditManifest("audio.normalize", true);
        _set.EditManifest("audio.classifier", new JsonObject
        {
            ["file"] = "speech_emotion_tiny.onnx",
            ["input"] = "audio",
            ["output"] = "logits",
            ["labels"] = new JsonArray([.. _expected.GetProperty("labels").EnumerateArray().Select(l => (JsonNode?)l.GetString())]),
        });
    }

    [Fact]
    public async Task VoiceOnlyClip_IsScoredByTheAudioClassifier()
    {
        using var recognizer = EmotionRecognizer.Create(_set.Path);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(new EmotionInput { Audio = QuietSpeech() });

        Assert.Equal(new ModalityMask(AudioStatus.Available, VideoStatus.NoFrames), prediction.Mask);
        string[] labels = [.. _expected.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)];
        double[] expected = [.. _expected.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble())];
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(expected[i], prediction.ScoreOf(labels[i]), Tolerances.Probability);
        }

        Assert.Equal(labels[Array.IndexOf(expected, expected.Max())], prediction.Label);
    }

    [Fact]
    public async Task VoiceAndFace_AreMixedWithTheManifestWeights()
    {
        _set.EditManifest("fusion.audioWeight", 0.25);
        _set.EditManifest("fusion.videoWeight", 0.75);
        using var recognizer = EmotionRecognizer.Create(_set.Path, configure: o => o.ComputeContributions = false);
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));

        EmotionPrediction both = await recognizer.RecognizeAsync(new EmotionInput { Audio = QuietSpeech(), Frames = [new VideoFrame(photo)] });
        EmotionPrediction voice = await recognizer.RecognizeAsync(new EmotionInput { Audio = QuietSpeech() });
        EmotionPrediction face = await recognizer.RecognizeAsync(new EmotionInput { Frames = [new VideoFrame(photo)] });

        Assert.Equal(new ModalityMask(AudioStatus.Available, VideoStatus.Available), both.Mask);
        for (int i = 0; i < both.Scores.Count; i++)
        {
            Assert.Equal((0.25 * voice.Scores[i]) + (0.75 * face.Scores[i]), both.Scores[i], Tolerances.Probability);
        }
    }

    [Fact]
    public void Manifest_ClassifierLabelOutsideTheSet_NamesTheField()
    {
        _set.EditManifest("audio.classifier.labels", new JsonArray("neutral", "bored"));

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(_set.Path));

        Assert.Contains("audio.classifier.labels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bored", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_ClassifierWithCrossAttention_IsRefused()
    {
        using var tiny = new ModelFolderCopy(PipelineCases.TinyModels, "neurosync-audio-classifier-tiny");
        tiny.EditManifest("audio.classifier", new JsonObject { ["file"] = "x.onnx", ["input"] = "a", ["output"] = "b", ["labels"] = new JsonArray("happy", "sad") });

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLoader.Load(tiny.Path));

        Assert.Contains("audio.classifier", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ClassifierFileWithOtherTensorNames_NamesTheTensor()
    {
        _set.EditManifest("audio.classifier.input", "waveform");

        var ex = Assert.Throws<ModelMismatchException>(() => EmotionRecognizer.Create(_set.Path));

        Assert.Contains("'waveform'", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _set.Dispose();

    private static AudioClip QuietSpeech() => AudioClip.ReadWav(TestFiles.Path("Audio", "Levels", "speech", "en_0_rms0.002.wav"));
}
