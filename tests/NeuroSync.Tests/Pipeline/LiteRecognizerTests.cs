using Microsoft.Extensions.DependencyInjection;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Pipeline;

/// <summary>The committed lite model set end to end: real photos and real speech, no download.</summary>
public sealed class LiteRecognizerTests(LiteRecognizerTests.Recognizer lite, ITestOutputHelper output) : IClassFixture<LiteRecognizerTests.Recognizer>
{
    public static TheoryData<string> SmilingPhotos => new("astronaut_640x480.png", "astronaut_512.png", "astronaut_small_face_640x480.png", "astronaut_dark_640x480.png", "two_faces_640x480.png");

    [Theory]
    [MemberData(nameof(SmilingPhotos))]
    public async Task Recognize_SmilingFace_IsHappy(string file)
    {
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", file));

        EmotionPrediction prediction = await Recognize(photo, "espeak_hello_22050.wav");

        output.WriteLine($"{file}: {prediction.Label} {prediction.Confidence:F3}, {prediction.Mask}, face {prediction.Frames[0].Face}");
        Assert.Equal("happy", prediction.Label);
        Assert.True(prediction.Confidence > 0.9f, $"confidence {prediction.Confidence}");
        Assert.Equal(new ModalityMask(AudioStatus.Available, VideoStatus.Available), prediction.Mask);
    }

    [Theory]
    [InlineData("astronaut_640x480.png")]
    [InlineData("astronaut_512.png")]
    public async Task Recognize_MirrorImage_GivesTheSameLabel(string file)
    {
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", file));
        using var mirror = photo.Clone(c => c.Flip(FlipMode.Horizontal));

        EmotionPrediction original = await Recognize(photo, audio: null);
        EmotionPrediction mirrored = await Recognize(mirror, audio: null);

        output.WriteLine($"{file}: {original.Label} {original.Confidence:F4}, mirrored {mirrored.Label} {mirrored.Confidence:F4}");
        Assert.Equal(original.Label, mirrored.Label);
        Assert.Equal(VideoStatus.Available, mirrored.Mask.Video);
    }

    [Theory]
    [InlineData("espeak_hello_22050.wav", AudioStatus.Available)]
    [InlineData("steady_noise_16k.wav", AudioStatus.NoSpeech)]
    [InlineData("quiet_noise_2s.wav", AudioStatus.NoSpeech)] // below the original's RMS gate: robust mode asks the detector, which hears noise
    public async Task Recognize_Audio_CountsAsAvailableOnlyWithSpeech(string file, AudioStatus expected)
    {
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));

        EmotionPrediction prediction = await Recognize(photo, file);

        Assert.Equal(expected, prediction.Mask.Audio);
        Assert.Equal("happy", prediction.Label); // the face decides; a voiceless clip only overrides angry and fear
    }

    [Fact]
    public async Task Recognize_FaceInACameraFrame_ScoresTheCropAroundItWithEachClassifiersRegion()
    {
        // mini-Xception sees its region of a crop around a face (manifest video.classifiers[0].region): the recognizer scores
        // what the ensemble gives the robust crop told so, not the crop seen whole.
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        ModelSet set = ModelSetLoader.Load(LiteModels.Folder);
        using var detector = new BlazeFaceDetector(set.FaceDetectorPath!, set.CreateBlazeFaceDetectorOptions());
        using var classifier = new OnnxVisualClassifier(set);
        VideoPreprocessor preprocessor = RecognizerFactory.VideoPreprocessor(set, detector);
        var crop = new float[preprocessor.TensorLength(1)];
        VideoPreprocessingResult result = preprocessor.Preprocess([new VideoFrame(photo)], crop, RecognitionMode.Robust);
        using FeatureMatrix aroundFace = await classifier.EncodeAsync(crop, 1, result.CroppedAroundFace);
        using FeatureMatrix seenWhole = await classifier.EncodeAsync(crop, 1);

        EmotionPrediction prediction = await Recognize(photo, audio: null);

        Assert.Equal([true], result.CroppedAroundFace.ToArray());
        Assert.Equal(aroundFace.GetRow(0).ToArray(), prediction.Scores, (a, b) => Math.Abs(a - b) <= 1e-6f);
        Assert.NotEqual(seenWhole.GetRow(0).ToArray(), prediction.Scores, (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    [Fact]
    public async Task Recognize_NoFace_SaysSoAndNamesNoEmotion()
    {
        using var cat = Image.Load<Rgb24>(TestFiles.Path("Images", "no_face_cat_640x480.png"));

        EmotionPrediction prediction = await Recognize(cat, audio: null);

        Assert.Equal(new ModalityMask(AudioStatus.Missing, VideoStatus.NoFace), prediction.Mask);
        Assert.Null(prediction.Frames[0].Face); // nor does the close-up search pass a pattern of the cat for a face
        Assert.Equal(EmotionPrediction.UnknownLabel, prediction.Label);
    }

    [Fact]
    public async Task AddNeuroSync_LiteSet_BuildsTheLitePartsAndRecognizes()
    {
        var services = new ServiceCollection();
        services.AddNeuroSync(o => o.ModelPath = LiteModels.Folder);
        using ServiceProvider provider = services.BuildServiceProvider();
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));

        EmotionPrediction prediction = await provider.GetRequiredService<IEmotionRecognizer>().RecognizeAsync(new EmotionInput
        {
            Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "steady_noise_16k.wav")),
            Frames = [new VideoFrame(photo)],
        });

        Assert.IsType<BlazeFaceDetector>(provider.GetRequiredService<IFaceDetector>());
        Assert.IsType<OnnxVisualClassifier>(provider.GetRequiredService<IVisualEncoder>());
        Assert.IsType<NeuroSync.Fusion.LateFusionEngine>(provider.GetRequiredService<IFusionEngine>());
        Assert.IsType<SileroVoiceActivity>(provider.GetRequiredService<AudioPreprocessor>().VoiceActivityDetector);
        Assert.Equal("happy", prediction.Label);
        Assert.Equal(AudioStatus.NoSpeech, prediction.Mask.Audio);
    }

    private Task<EmotionPrediction> Recognize(Image<Rgb24> photo, string? audio) => lite.Instance.RecognizeAsync(new EmotionInput
    {
        Audio = audio is null ? null : AudioClip.ReadWav(TestFiles.Path("Audio", audio)),
        Frames = [new VideoFrame(photo)],
    });

    public sealed class Recognizer : IDisposable
    {
        public EmotionRecognizer Instance { get; } = EmotionRecognizer.Create(LiteModels.Folder);

        public void Dispose() => Instance.Dispose();
    }
}
