using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

public class VideoPreprocessorTests
{
    private const float NormalisedTolerance = 1e-5f;

    public static TheoryData<string> CropCases =>
        new(ReferenceJson.Read<CropReference[]>("Images", "crops.json").Select(c => c.File));

    [Fact]
    public void PreprocessConcurrently_GivesTheSequentialResultExactly()
    {
        string[] files = ["astronaut_640x480.png", "no_face_cat_640x480.png", "very_dark_640x480.png", "covered_camera_640x480.png", "astronaut_small_face_640x480.png"];
        Image<Rgb24>[] images = [.. files.Select(f => Image.Load<Rgb24>(TestFiles.Path("Images", f)))];
        try
        {
            // 60 frames with stride 4: 15 sampled, cycling through faces, no face, dark and covered.
            VideoFrame[] frames = [.. Enumerable.Range(0, 60).Select(i => new VideoFrame(images[(i / 4) % images.Length]))];
            var preprocessor = new VideoPreprocessor(options: new VideoPreprocessingOptions { FrameStride = 4 });
            float[] sequential = new float[preprocessor.TensorLength(frames.Length)];
            float[] concurrent = new float[sequential.Length];

            VideoPreprocessingResult expected = preprocessor.Preprocess(frames, sequential);
            VideoPreprocessingResult actual = preprocessor.PreprocessConcurrently(frames, concurrent, RecognitionMode.Original, CancellationToken.None);

            Assert.Equal(sequential, concurrent);
            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.Frames, actual.Frames);
            Assert.Equal(4, expected.Frames.Select(f => f.Status).Distinct().Count());
        }
        finally
        {
            Array.ForEach(images, i => i.Dispose());
        }
    }

    [Fact]
    public void PreprocessConcurrently_NullFrame_ThrowsTheTypedException()
    {
        using var image = new Image<Rgb24>(32, 32);
        var preprocessor = new VideoPreprocessor(new TestFaceDetector(), new VideoPreprocessingOptions { FrameStride = 1 });
        VideoFrame[] frames = [new VideoFrame(image), null!, new VideoFrame(image)];

        Assert.Throws<ArgumentException>(() => preprocessor.PreprocessConcurrently(frames, new float[preprocessor.TensorLength(3)], RecognitionMode.Original, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(CropCases))]
    public void PreprocessFrame_CommittedPhoto_CropMatchesPythonOpenCvWithinTwoLevels(string file)
    {
        var reference = ReferenceJson.Read<CropReference[]>("Images", "crops.json").Single(c => c.File == file);
        using var frame = Image.Load<Rgb24>(TestFiles.Path("Images", file));
        using var expected = Image.Load<Rgb24>(TestFiles.Path("Images", reference.Output));
        var preprocessor = new VideoPreprocessor();
        var tensor = new float[preprocessor.FrameTensorLength];

        var analysis = preprocessor.PreprocessFrame(frame, tensor);
        using var actual = preprocessor.ToImage(tensor);

        Assert.Equal(reference.Crop is null, analysis.Face is null);
        if (reference.Crop is { } crop)
        {
            Assert.True(analysis.Face!.Value.IntersectionOverUnion(new FaceBox(crop.X, crop.Y, crop.Width, crop.Height)) >= Tolerances.FaceBoxIoU);
        }

        int worst = 0;
        for (int y = 0; y < 224; y++)
        {
            for (int x = 0; x < 224; x++)
            {
                Rgb24 a = actual[x, y], e = expected[x, y];
                worst = Math.Max(worst, Math.Max(Math.Abs(a.R - e.R), Math.Max(Math.Abs(a.G - e.G), Math.Abs(a.B - e.B))));
            }
        }

        if (worst > Tolerances.CropPixelLevels)
        {
            actual.SaveAsPng(Path.Combine(TestFiles.ActualOutput(nameof(PreprocessFrame_CommittedPhoto_CropMatchesPythonOpenCvWithinTwoLevels)), file));
        }

        Assert.True(worst <= Tolerances.CropPixelLevels, $"{file}: max difference {worst} levels, tolerance {Tolerances.CropPixelLevels}");
    }

    [Theory]
    [InlineData(ChannelOrder.Bgr, "astronaut_640x480_bgr_chw.npy")]
    [InlineData(ChannelOrder.Rgb, "astronaut_640x480_rgb_chw.npy")]
    public void PreprocessFrame_Astronaut_TensorMatchesNumPyReference(ChannelOrder order, string golden)
    {
        var (expected, shape) = Npy.ReadFloat32(TestFiles.Path("Golden", "vision", golden));
        Assert.Equal([3, 224, 224], shape);
        using var frame = Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        var preprocessor = new VideoPreprocessor(options: new VideoPreprocessingOptions { ChannelOrder = order });
        var tensor = new float[preprocessor.FrameTensorLength];

        preprocessor.PreprocessFrame(frame, tensor);

        float worst = 0;
        for (int i = 0; i < tensor.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(tensor[i] - expected[i]));
        }

        Assert.True(worst <= NormalisedTolerance, $"max abs difference {worst}, tolerance {NormalisedTolerance}");
    }

    [Fact]
    public void Preprocess_TwentyFiveFrames_SamplesTenthAndTwentieth()
    {
        var detector = new TestFaceDetector();
        var seen = new List<byte>();
        detector.DetectFacesCallback = image =>
        {
            seen.Add(image[0, 0].R);
            return [new FaceBox(2, 2, 20, 20)];
        };
        var frames = Enumerable.Range(0, 25).Select(i => new VideoFrame(Uniform(64, 48, (byte)i))).ToList();
        var preprocessor = new VideoPreprocessor(detector);
        var tensor = new float[preprocessor.TensorLength(frames.Count)];

        var result = preprocessor.Preprocess(frames, tensor);

        Assert.Equal([9, 19], seen.Select(v => (int)v));
        Assert.Equal(2, result.TensorFrameCount);
        Assert.Equal([9, 19], result.Frames.Select(f => f.FrameIndex));
        Assert.Equal(2 * preprocessor.FrameTensorLength, tensor.Length);
        DisposeAll(frames);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Preprocess_FewerFramesThanStride_WritesTenZeroFramesAndSaysNoFrames(int frameCount)
    {
        var frames = Enumerable.Range(0, frameCount).Select(_ => new VideoFrame(Uniform(32, 32, 200))).ToList();
        var preprocessor = new VideoPreprocessor(new TestFaceDetector());
        var tensor = Enumerable.Repeat(float.NaN, preprocessor.TensorLength(frameCount)).ToArray();

        var result = preprocessor.Preprocess(frames, tensor);

        Assert.Equal(VideoStatus.NoFrames, result.Status);
        Assert.Equal(10, result.TensorFrameCount);
        Assert.Equal(10 * 3 * 224 * 224, tensor.Length);
        Assert.All(tensor, v => Assert.Equal(0f, v));
        DisposeAll(frames);
    }

    [Theory]
    [InlineData("astronaut_640x480.png", VideoStatus.Available)]
    [InlineData("no_face_cat_640x480.png", VideoStatus.NoFace)]
    [InlineData("very_dark_640x480.png", VideoStatus.TooDark)]
    [InlineData("covered_camera_640x480.png", VideoStatus.Covered)]
    public void PreprocessFrame_CommittedPhoto_ReportsLightingAndFace(string file, VideoStatus expected)
    {
        using var frame = Image.Load<Rgb24>(TestFiles.Path("Images", file));
        var preprocessor = new VideoPreprocessor();

        var analysis = preprocessor.PreprocessFrame(frame, new float[preprocessor.FrameTensorLength]);

        Assert.Equal(expected, analysis.Status);
    }

    [Fact]
    public void Preprocess_MixedFrames_AnyFaceMakesVideoAvailableOtherwiseMajorityReason()
    {
        var detector = new TestFaceDetector();
        var preprocessor = new VideoPreprocessor(detector, new VideoPreprocessingOptions { FrameStride = 1 });
        using var dark = Uniform(40, 40, 3);
        using var flat = Uniform(40, 40, 128);
        var frames = new[] { new VideoFrame(dark), new VideoFrame(flat), new VideoFrame(flat) };
        var tensor = new float[preprocessor.TensorLength(3)];

        Assert.Equal(VideoStatus.Covered, preprocessor.Preprocess(frames, tensor).Status);

        detector.DetectFacesCallback = image => image[0, 0].R == 3 ? [new FaceBox(0, 0, 10, 10)] : [];
        Assert.Equal(VideoStatus.Available, preprocessor.Preprocess(frames, tensor).Status);
    }

    [Fact]
    public void PreprocessFrame_SeveralFacesSomeOverhanging_CropsLargestClippedToFrame()
    {
        var detector = new TestFaceDetector { DetectFacesCallback = _ => [new FaceBox(1, 1, 5, 5), new FaceBox(50, 30, 40, 40), new FaceBox(0, 0, 12, 12)] };
        using var frame = Gradient(64, 48);
        var preprocessor = new VideoPreprocessor(detector);

        var analysis = preprocessor.PreprocessFrame(frame, new float[preprocessor.FrameTensorLength]);

        Assert.Equal(new FaceBox(50, 30, 14, 18), analysis.Face);
    }

    [Fact]
    public void Preprocess_ParallelCalls_EqualSequentialResult()
    {
        using var frame = Image.Load<Rgb24>(TestFiles.Path("Images", "two_faces_640x480.png"));
        var frames = Enumerable.Repeat(new VideoFrame(frame), 20).ToList();
        var preprocessor = new VideoPreprocessor();
        var expected = new float[preprocessor.TensorLength(frames.Count)];
        preprocessor.Preprocess(frames, expected);

        var results = new float[4][];
        Parallel.For(0, results.Length, i =>
        {
            results[i] = new float[expected.Length];
            preprocessor.Preprocess(frames, results[i]);
        });

        Assert.All(results, r => Assert.Equal(expected, r)); // tolerance: exact
    }

    [Fact]
    public void Preprocess_DestinationTooShort_ThrowsArgumentExceptionWithSizes()
    {
        var preprocessor = new VideoPreprocessor(new TestFaceDetector());
        using var frame = Uniform(32, 32, 1);
        var frames = Enumerable.Repeat(new VideoFrame(frame), 10).ToList();
        var ex = Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(frames, new float[10]));
        Assert.Contains("150528", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WrongMeanLength_IsRefusedAtConstruction()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VideoPreprocessor(options: new VideoPreprocessingOptions { Mean = [0.5f] }));
        Assert.Contains("Mean", ex.Message, StringComparison.Ordinal);
    }

    private static Image<Rgb24> Uniform(int width, int height, byte value) => new(width, height, new Rgb24(value, value, value));

    private static Image<Rgb24> Gradient(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)(x + y));
            }
        }

        return image;
    }

    private static void DisposeAll(IEnumerable<VideoFrame> frames)
    {
        foreach (var frame in frames)
        {
            frame.Image.Dispose();
        }
    }
}
