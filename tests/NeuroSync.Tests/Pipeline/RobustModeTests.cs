using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Pipeline;

/// <summary>Robust mode end to end: fusion obeys the mask, and no usable evidence means no emotion.</summary>
public sealed class RobustModeTests(RobustModeTests.Recognizers recognizers) : IClassFixture<RobustModeTests.Recognizers>
{
    [Fact]
    public async Task Lite_VoiceOnlyClip_IsUnknownInRobustModeButLabelledInOriginalMode()
    {
        var input = new EmotionInput { Audio = Speech() };

        EmotionPrediction robust = await recognizers.Lite.RecognizeAsync(input);
        EmotionPrediction original = await recognizers.LiteOriginal.RecognizeAsync(input);

        AssertUnknown(robust, new ModalityMask(AudioStatus.Available, VideoStatus.NoFrames));
        Assert.NotEqual(EmotionPrediction.UnknownLabel, original.Label); // the original labels the blank frame
        Assert.True(original.Confidence > 0);
    }

    [Fact]
    public async Task RecognitionOptions_PerCallMode_GivesWhatARecognizerInThatModeGives()
    {
        using var photo = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using var cat = Image.Load<Rgb24>(TestFiles.Path("Images", "no_face_cat_640x480.png"));
        var input = new EmotionInput { Audio = Speech(), Frames = [new VideoFrame(photo), new VideoFrame(cat)] };

        EmotionPrediction originalPerCall = await recognizers.Lite.RecognizeAsync(input, new RecognitionOptions { Mode = RecognitionMode.Original });
        EmotionPrediction robustPerCall = await recognizers.LiteOriginal.RecognizeAsync(input, new RecognitionOptions { Mode = RecognitionMode.Robust });
        EmotionPrediction original = await recognizers.LiteOriginal.RecognizeAsync(input);
        EmotionPrediction robust = await recognizers.Lite.RecognizeAsync(input);

        Assert.Equal(original.Scores, originalPerCall.Scores); // tolerance: exact, the same model runs
        Assert.Equal(robust.Scores, robustPerCall.Scores);
        Assert.NotEqual(original.Scores, robust.Scores); // the modes differ here (the original encodes the cat's whole frame)
    }

    [Fact]
    public async Task RecognitionOptions_ContributionsOff_LeavesThemOutForThatCallOnly()
    {
        var input = new EmotionInput { Audio = Speech() };

        EmotionPrediction without = await recognizers.LiteOriginal.RecognizeAsync(input, new RecognitionOptions { ComputeContributions = false });
        EmotionPrediction with = await recognizers.LiteOriginal.RecognizeAsync(input);

        Assert.Null(without.Contributions);
        Assert.NotNull(with.Contributions);
        Assert.Equal(with.Scores, without.Scores);
    }

    [Fact]
    public async Task RecognitionOptions_UndefinedMode_ThrowsNamingIt()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => recognizers.Lite.RecognizeAsync(new EmotionInput(), new RecognitionOptions { Mode = (RecognitionMode)9 }));

        Assert.Contains("RecognitionOptions.Mode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lite_NoFramesAndNoAudio_IsUnknown()
    {
        EmotionPrediction prediction = await recognizers.Lite.RecognizeAsync(new EmotionInput());

        AssertUnknown(prediction, new ModalityMask(AudioStatus.Missing, VideoStatus.NoFrames));
    }

    [Fact]
    public async Task Lite_CoveredCamera_IsUnknownAndTheVideoContributesNothing()
    {
        using var covered = Image.Load<Rgb24>(TestFiles.Path("Images", "covered_camera_640x480.png"));

        EmotionPrediction prediction = await recognizers.Lite.RecognizeAsync(new EmotionInput { Audio = Speech(), Frames = [new VideoFrame(covered)] });

        AssertUnknown(prediction, new ModalityMask(AudioStatus.Available, VideoStatus.Covered));
        Assert.Equal(0f, prediction.Contributions!.Video);
    }

    [Fact]
    public async Task Lite_FaceInAPitchDarkFrame_IsTooDarkInRobustModeOnly()
    {
        using var dark = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        Darken(dark, targetMeanLuma: 5);

        EmotionPrediction robust = await recognizers.Lite.RecognizeAsync(new EmotionInput { Frames = [new VideoFrame(dark)] });
        EmotionPrediction original = await recognizers.LiteOriginal.RecognizeAsync(new EmotionInput { Frames = [new VideoFrame(dark)] });

        Assert.NotNull(original.Frames[0].Face); // the detector still finds the face...
        Assert.Equal(VideoStatus.Available, original.Mask.Video); // ...and the original trusts it
        Assert.InRange(robust.Frames[0].MeanLuma, 4, 6);
        AssertUnknown(robust, new ModalityMask(AudioStatus.Missing, VideoStatus.TooDark));
    }

    [Fact]
    public async Task CrossAttention_CoveredVideo_GetsTheNoVideoInputAndContributesNothing()
    {
        using var covered = Image.Load<Rgb24>(TestFiles.Path("Images", "covered_camera_640x480.png"));
        AudioClip speech = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav"));

        EmotionPrediction withCovered = await recognizers.Tiny.RecognizeAsync(new EmotionInput { Audio = speech, Frames = Still(covered, 20) });
        EmotionPrediction withoutFrames = await recognizers.Tiny.RecognizeAsync(new EmotionInput { Audio = speech });

        Assert.Equal(new ModalityMask(AudioStatus.Available, VideoStatus.Covered), withCovered.Mask);
        Assert.Equal(withoutFrames.Scores, withCovered.Scores); // tolerance: exact (the same cached zero-input features)
        Assert.Equal(0f, withCovered.Contributions!.Video);
        Assert.NotEqual(EmotionPrediction.UnknownLabel, withCovered.Label);
    }

    [Fact]
    public async Task CrossAttention_SilenceAndCoveredCamera_IsUnknown()
    {
        using var covered = Image.Load<Rgb24>(TestFiles.Path("Images", "covered_camera_640x480.png"));

        EmotionPrediction prediction = await recognizers.Tiny.RecognizeAsync(new EmotionInput
        {
            Audio = new AudioClip(new float[32_000], 16_000),
            Frames = Still(covered, 10),
        });

        AssertUnknown(prediction, new ModalityMask(AudioStatus.Silent, VideoStatus.Covered));
    }

    [Fact]
    public async Task CrossAttention_FramesWithoutAFace_AreLeftOutOfTheVisualInput()
    {
        using var face = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using var cat = Image.Load<Rgb24>(TestFiles.Path("Images", "no_face_cat_640x480.png"));
        AudioClip speech = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav"));

        // Stride 10: frames 10 and 30 show the face, frame 20 the cat.
        EmotionPrediction mixed = await recognizers.Tiny.RecognizeAsync(new EmotionInput { Audio = speech, Frames = [.. Still(face, 10), .. Still(cat, 10), .. Still(face, 10)] });
        EmotionPrediction facesOnly = await recognizers.Tiny.RecognizeAsync(new EmotionInput { Audio = speech, Frames = Still(face, 20) });
        EmotionPrediction original = await recognizers.TinyOriginal.RecognizeAsync(new EmotionInput { Audio = speech, Frames = [.. Still(face, 10), .. Still(cat, 10), .. Still(face, 10)] });

        Assert.Equal([VideoStatus.Available, VideoStatus.NoFace, VideoStatus.Available], mixed.Frames.Select(f => f.Status));
        Assert.Equal(facesOnly.Scores, mixed.Scores); // tolerance: exact
        Assert.NotEqual(original.Scores, mixed.Scores); // the original encodes the cat's whole frame too
    }

    private static void AssertUnknown(EmotionPrediction prediction, ModalityMask mask)
    {
        Assert.Equal(EmotionPrediction.UnknownLabel, prediction.Label);
        Assert.Equal(EmotionPrediction.UnknownLabel, prediction.RawLabel);
        Assert.Equal(0f, prediction.Confidence);
        Assert.All(prediction.Scores, s => Assert.Equal(0f, s));
        Assert.Equal(mask, prediction.Mask);
    }

    private static AudioClip Speech() => AudioClip.ReadWav(TestFiles.Path("Audio", "Levels", "speech", "en_0_rms0.002.wav"));

    private static List<VideoFrame> Still(Image<Rgb24> image, int count) => [.. Enumerable.Repeat(new VideoFrame(image), count)];

    private static void Darken(Image<Rgb24> image, float targetMeanLuma)
    {
        double sum = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                foreach (Rgb24 p in rows.GetRowSpan(y))
                {
                    sum += (0.299 * p.R) + (0.587 * p.G) + (0.114 * p.B);
                }
            }
        });
        double factor = targetMeanLuma / (sum / (image.Width * image.Height));
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                foreach (ref Rgb24 p in rows.GetRowSpan(y))
                {
                    p = new Rgb24((byte)Math.Round(p.R * factor), (byte)Math.Round(p.G * factor), (byte)Math.Round(p.B * factor));
                }
            }
        });
    }

    public sealed class Recognizers : IDisposable
    {
        public EmotionRecognizer Lite { get; } = EmotionRecognizer.Create(LiteModels.Folder);

        public EmotionRecognizer LiteOriginal { get; } = EmotionRecognizer.Create(LiteModels.Folder, configure: o => o.Mode = RecognitionMode.Original);

        public EmotionRecognizer Tiny { get; } = EmotionRecognizer.Create(PipelineCases.TinyModels);

        public EmotionRecognizer TinyOriginal { get; } = EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original);

        public void Dispose()
        {
            Lite.Dispose();
            LiteOriginal.Dispose();
            Tiny.Dispose();
            TinyOriginal.Dispose();
        }
    }
}
