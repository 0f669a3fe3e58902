using NeuroSync.Audio;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Pipeline;

public sealed class EmotionRecognizerParityTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    private const double ProbabilityTolerance = 1e-4;

    public static TheoryData<string> Cases => new(PipelineCases.Load().Cases.Select(c => c.Case));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RecognizeAsync_GoldenCase_MatchesPyTorchOriginal(string name)
    {
        PipelineCase golden = PipelineCases.Load().Cases.Single(c => c.Case == name);
        using var clip = Clip.Load(golden);

        EmotionPrediction prediction = await models.Recognizer.RecognizeAsync(clip.Input);

        AssertClose(golden.Probabilities, prediction.Scores, name);
        Assert.Equal(golden.RawLabel, prediction.RawLabel);
        Assert.Equal(golden.Label, prediction.Label);
        Assert.Equal(golden.Silent, prediction.Mask.Audio != AudioStatus.Available);
        Assert.Equal(golden.Rms, prediction.AudioRms, precision: 5);
        Assert.Equal(golden.SampledFrames, prediction.Frames.Count);
        Assert.Equal(golden.FacesFound, prediction.Frames.Count(f => f.Face is not null));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RecognizeAsync_GoldenCase_ContributionsFollowFromZeroInputProbabilities(string name)
    {
        PipelineCase golden = PipelineCases.Load().Cases.Single(c => c.Case == name);
        using var clip = Clip.Load(golden);

        EmotionPrediction prediction = await models.Recognizer.RecognizeAsync(clip.Input);

        Assert.NotNull(prediction.Contributions);
        Assert.Equal(TotalVariation(golden.Probabilities, golden.Contributions.ProbabilitiesWithZeroAudio), prediction.Contributions.Audio, ProbabilityTolerance);
        Assert.Equal(TotalVariation(golden.Probabilities, golden.Contributions.ProbabilitiesWithZeroVideo), prediction.Contributions.Video, ProbabilityTolerance);
    }

    private static double TotalVariation(double[] p, double[] q) => 0.5 * p.Zip(q, (a, b) => Math.Abs(a - b)).Sum();

    internal static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, string context)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= ProbabilityTolerance, $"{context}: max abs difference {worst:E2}, tolerance {ProbabilityTolerance:E0}");
    }

    /// <summary>A golden case's inputs, decoded; owns the frame images.</summary>
    internal sealed class Clip : IDisposable
    {
        private readonly List<Image<Rgb24>> _images = [];

        public EmotionInput Input { get; } = new();

        public static Clip Load(PipelineCase golden) => Load(golden.Audio, golden.Frames);

        /// <summary>A clip from an audio file and frame files, paths relative to TestData with '/' separators.</summary>
        public static Clip Load(string? audio, IEnumerable<string> frameFiles)
        {
            var clip = new Clip();
            clip.Input.Audio = audio is null ? null : AudioClip.ReadWav(TestFiles.Path(audio.Split('/')));
            var cache = new Dictionary<string, Image<Rgb24>>();
            var frames = new List<VideoFrame>();
            foreach (string file in frameFiles)
            {
                if (!cache.TryGetValue(file, out var image))
                {
                    image = Image.Load<Rgb24>(TestFiles.Path(file.Split('/')));
                    cache[file] = image;
                    clip._images.Add(image);
                }

                frames.Add(new VideoFrame(image));
            }

            clip.Input.Frames = frames;
            return clip;
        }

        public void Dispose() => _images.ForEach(i => i.Dispose());
    }
}
