using System.Diagnostics;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Lite;

public sealed class BlazeFaceDetectorTests(BlazeFaceDetectorTests.Detector blazeFace, ITestOutputHelper output) : IClassFixture<BlazeFaceDetectorTests.Detector>
{
    public static TheoryData<string> Photos => new(ReferenceJson.Read<HaarReference>("Images", "haar_reference.json").Images.Select(i => i.File));

    [Theory]
    [MemberData(nameof(Photos))]
    public void DetectFaces_CommittedPhoto_FindsTheFacesHaarFinds(string file)
    {
        using var image = Image.Load<Rgb24>(TestFiles.Path("Images", file));

        IReadOnlyList<FaceBox> haar = new HaarFaceDetector().DetectFaces(image);
        IReadOnlyList<FaceBox> blaze = blazeFace.Instance.DetectFaces(image);

        output.WriteLine($"{file}: haar [{string.Join("; ", haar)}]\n  blazeface [{string.Join("; ", blaze)}]");
        foreach (FaceBox face in haar)
        {
            Assert.Contains(blaze, b => b.IntersectionOverUnion(face) >= Tolerances.DetectorAgreementIoU);
        }

        // Haar misses the face in the very dark frame; BlazeFace finds it where the lighting probe alone would say "too dark".
        Assert.Equal(file == "very_dark_640x480.png" ? 1 : haar.Count, blaze.Count);
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(-15)]
    [InlineData(15)]
    [InlineData(30)]
    public void DetectFaces_TiltedFace_FoundByBlazeFaceWhereHaarMissesIt(float degrees)
    {
        using var image = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        image.Mutate(c => c.Rotate(degrees).Crop(new Rectangle((c.GetCurrentSize().Width - 640) / 2, (c.GetCurrentSize().Height - 480) / 2, 640, 480)));

        IReadOnlyList<FaceBox> haar = new HaarFaceDetector().DetectFaces(image);
        IReadOnlyList<FaceBox> blaze = blazeFace.Instance.DetectFaces(image);

        output.WriteLine($"tilt {degrees}: haar {haar.Count} [{string.Join("; ", haar)}], blazeface {blaze.Count} [{string.Join("; ", blaze)}]");
        Assert.Single(blaze);
        if (Math.Abs(degrees) >= 30)
        {
            Assert.Empty(haar); // the frontal cascade's blind spot
        }
    }

    [Fact]
    public async Task DetectFaces_ConcurrentCalls_GiveTheSameBoxesAsOneCall()
    {
        using var image = Image.Load<Rgb24>(TestFiles.Path("Images", "two_faces_640x480.png"));
        IReadOnlyList<FaceBox> single = blazeFace.Instance.DetectFaces(image);

        IReadOnlyList<FaceBox>[] concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => blazeFace.Instance.DetectFaces(image))));

        Assert.All(concurrent, faces => Assert.Equal(single, faces)); // tolerance: exact (per-call buffers, same session)
    }

    [Fact]
    public void Create_NotABlazeFaceModel_FailsNamingTheExpectedShape()
    {
        var ex = Assert.Throws<NeuroSync.Models.ModelMismatchException>(() => new BlazeFaceDetector(LiteModels.File("emotion_fer.onnx")));

        Assert.Contains("[1, S, S, 3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectFaces_IsFasterThanHaar()
    {
        using var image = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        var haar = new HaarFaceDetector();
        double haarMs = MedianMilliseconds(() => haar.DetectFaces(image));
        double blazeMs = MedianMilliseconds(() => blazeFace.Instance.DetectFaces(image));

        output.WriteLine($"640x480, median of 5: haar {haarMs:F1} ms, blazeface {blazeMs:F1} ms");
        Assert.True(blazeMs < haarMs, $"blazeface {blazeMs} ms, haar {haarMs} ms");
    }

    private static double MedianMilliseconds(Action action)
    {
        action();
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times.Order().ElementAt(2);
    }

    public sealed class Detector : IDisposable
    {
        public BlazeFaceDetector Instance { get; } = new(LiteModels.File("blazeface.onnx"));

        public void Dispose() => Instance.Dispose();
    }
}
