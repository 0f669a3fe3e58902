using System.Text;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;
using OpenCvSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuroSync.Tests.Vision.Haar;

public sealed class HaarFaceDetectorTests : IClassFixture<HaarFaceDetectorTests.OpenCvCascade>
{
    private readonly OpenCvCascade _opencv;

    public HaarFaceDetectorTests(OpenCvCascade opencv) => _opencv = opencv;

    public static TheoryData<string> CommittedImages =>
        new(ReferenceJson.Read<HaarReference>("Images", "haar_reference.json").Images.Select(i => i.File));

    [Theory]
    [MemberData(nameof(CommittedImages))]
    public void DetectFaces_CommittedPhoto_MatchesPythonOpenCvBoxes(string file)
    {
        var reference = ReferenceJson.Read<HaarReference>("Images", "haar_reference.json").Images.Single(i => i.File == file);
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", file));

        var faces = new HaarFaceDetector().DetectFaces(image);

        AssertSameFaces(reference.Faces.Select(f => new FaceBox(f.X, f.Y, f.Width, f.Height)).ToList(), faces, file);
    }

    [Theory]
    [MemberData(nameof(CommittedImages))]
    public void DetectCandidates_CommittedPhoto_EqualOpenCvRawDetections(string file)
    {
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", file));
        var (gray, expected) = _opencv.RawDetections(image);

        var actual = new HaarFaceDetector().DetectCandidates(gray, image.Width, image.Height, default)
            .Select(r => (r.X, r.Y, r.Width, r.Height)).ToHashSet();

        Assert.Equal(expected.OrderBy(r => r).ToList(), actual.OrderBy(r => r).ToList()); // tolerance: exact (same windows pass)
    }

    [Fact]
    public void DetectCandidates_LargeFrameInSeveralWaves_EqualOpenCvRawDetections()
    {
        // 1440x1080: the pyramid canvas is capped (4 M entries) below three first-level tables, so the levels go in more
        // waves than at 640x480, and a wave starts in the middle of the step-2 levels.
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        image.Mutate(c => c.Resize(1440, 1080));
        var (gray, expected) = _opencv.RawDetections(image);

        var actual = new HaarFaceDetector().DetectCandidates(gray, image.Width, image.Height, default)
            .Select(r => (r.X, r.Y, r.Width, r.Height)).ToHashSet();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(r => r).ToList(), actual.OrderBy(r => r).ToList()); // tolerance: exact (same windows pass)
    }

    [Theory]
    [InlineData(0.55, 0, 0)]
    [InlineData(0.8, 40, 10)]
    [InlineData(1.25, -120, -60)]
    [InlineData(1.7, -300, -120)]
    [InlineData(0.35, 300, 200)]
    public void DetectFaces_RescaledAndShiftedPhoto_MatchesOpenCv(double scale, int dx, int dy)
    {
        using var photo = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_512.png"));
        using var frame = new SixLabors.ImageSharp.Image<Rgb24>(640, 480, new Rgb24(90, 100, 110));
        using var scaled = photo.Clone(c => c.Resize((int)(512 * scale), (int)(512 * scale)));
        frame.Mutate(c => c.DrawImage(scaled, new SixLabors.ImageSharp.Point(dx + 64, dy), 1f));

        var expected = _opencv.Detect(frame, minNeighbors: 5);
        var actual = new HaarFaceDetector().DetectFaces(frame);

        AssertSameFaces(expected, actual, $"scale {scale}");
    }

    [Theory]
    [InlineData("two_faces_640x480.png")]
    [InlineData("astronaut_small_face_640x480.png")]
    public void DetectCandidates_OneThreadAndSeveral_GiveTheSameWindowsInTheSameOrder(string file)
    {
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", file));
        byte[] gray = Gray(image);
        var sequential = Detector(threads: 1).DetectCandidates(gray, image.Width, image.Height, default);

        foreach (int threads in new[] { 2, 3, 8 })
        {
            var parallel = Detector(threads).DetectCandidates(gray, image.Width, image.Height, default);
            Assert.Equal(sequential, parallel); // tolerance: exact, order included
        }

        Assert.NotEmpty(sequential);
    }

    [Theory]
    [MemberData(nameof(CommittedImages))]
    public void DetectCandidates_EightWindowsAtOnce_EqualTheScalarPath(string file)
    {
        // The optimized kernel against its naive twin: the vector path must give the scalar path's windows, in the same order.
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", file));
        byte[] gray = Gray(image);
        var options = new HaarDetectorOptions { MaxDegreeOfParallelism = 1 };

        var scalar = new HaarFaceDetector(options: options) { UseVectors = false }.DetectCandidates(gray, image.Width, image.Height, default);
        var vector = new HaarFaceDetector(options: options) { UseVectors = true }.DetectCandidates(gray, image.Width, image.Height, default);

        Assert.Equal(scalar, vector); // tolerance: exact, order included
    }

    [Fact]
    public void DetectFaces_ConcurrentCallsOnOneDetector_EachEqualTheSequentialResult()
    {
        string[] files = ["astronaut_640x480.png", "two_faces_640x480.png", "astronaut_small_face_640x480.png", "no_face_cat_640x480.png"];
        var images = files.Select(f => SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", f))).ToArray();
        try
        {
            var detector = new HaarFaceDetector(options: new HaarDetectorOptions { MinNeighbors = 0, MaxDegreeOfParallelism = 2 });
            var expected = images.Select(i => Detector(threads: 1, minNeighbors: 0).DetectFaces(i)).ToArray();

            // Sixteen calls at once, four per image, each itself on two threads: more work than cores, so calls interleave.
            var actual = new IReadOnlyList<FaceBox>[16];
            Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = detector.DetectFaces(images[i % images.Length]));

            for (int i = 0; i < actual.Length; i++)
            {
                Assert.Equal(expected[i % images.Length], actual[i]); // tolerance: exact, order included
            }
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    [Fact]
    public void DetectCandidates_DifferentWidthsOnOneDetector_MatchFreshDetectors()
    {
        // The detector keeps the cascade laid out for the last row stride; alternating widths must rebuild it, never reuse it.
        using var wide = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_640x480.png"));
        using var square = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_512.png"));
        var shared = Detector(threads: 2, minNeighbors: 0);
        foreach (var image in new[] { wide, square, wide, square })
        {
            byte[] gray = Gray(image);
            Assert.Equal(
                Detector(threads: 1, minNeighbors: 0).DetectCandidates(gray, image.Width, image.Height, default),
                shared.DetectCandidates(gray, image.Width, image.Height, default));
        }
    }

    [Fact]
    public void Options_NegativeDegreeOfParallelism_IsRefusedAtConstruction()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new HaarFaceDetector(options: new HaarDetectorOptions { MaxDegreeOfParallelism = -1 }));
        Assert.Contains("MaxDegreeOfParallelism", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectFaces_ImageSmallerThanWindow_ReturnsNothing()
    {
        using var tiny = new SixLabors.ImageSharp.Image<Rgb24>(20, 30);
        Assert.Empty(new HaarFaceDetector().DetectFaces(tiny));
    }

    [Fact]
    public void DetectFaces_CancelledToken_Throws()
    {
        using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(TestFiles.Path("Images", "astronaut_512.png"));
        Assert.Throws<OperationCanceledException>(() => new HaarFaceDetector().DetectFaces(image, new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData("<opencv_storage><cascade><stageType>BOOST</stageType><featureType>LBP</featureType></cascade></opencv_storage>", "featureType HAAR")]
    [InlineData("<not-xml", "malformed XML")]
    [InlineData("<opencv_storage><cascade><stageType>BOOST</stageType><featureType>HAAR</featureType><width>24</width><height>24</height><features><_><rects><_>0 0 30 4 -1.</_><_>0 0 2 2 2.</_></rects></_></features><stages /></cascade></opencv_storage>", "inside the 24x24 window")]
    public void Load_UnsupportedOrCorruptCascade_ThrowsNeuroSyncExceptionSayingWhy(string xml, string expectedFragment)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var ex = Assert.Throws<NeuroSyncException>(() => HaarCascade.Load(stream));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ScaleFactorOne_IsRefusedAtConstruction()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new HaarFaceDetector(options: new HaarDetectorOptions { ScaleFactor = 1.0 }));
        Assert.Contains("ScaleFactor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FrontalFaceDefault_EmbeddedCascade_HasOpenCvShape()
    {
        var cascade = HaarCascade.FrontalFaceDefault;
        Assert.Equal((24, 24, 25), (cascade.WindowWidth, cascade.WindowHeight, cascade.StageCount));
        Assert.Equal(2913, cascade.Features.Length);
    }

    private static HaarFaceDetector Detector(int threads, int minNeighbors = 5) =>
        new(options: new HaarDetectorOptions { MaxDegreeOfParallelism = threads, MinNeighbors = minNeighbors });

    private static byte[] Gray(SixLabors.ImageSharp.Image<Rgb24> image)
    {
        var gray = new byte[image.Width * image.Height];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    gray[(y * image.Width) + x] = GrayscaleConverter.Luma(row[x]);
                }
            }
        });
        return gray;
    }

    private static void AssertSameFaces(IReadOnlyList<FaceBox> expected, IReadOnlyList<FaceBox> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: OpenCV found {expected.Count} faces, NeuroSync {actual.Count}");
        foreach (FaceBox e in expected)
        {
            double best = actual.Max(a => a.IntersectionOverUnion(e));
            Assert.True(best >= Tolerances.FaceBoxIoU, $"{context}: best IoU {best:F3} for OpenCV box {e}, tolerance {Tolerances.FaceBoxIoU}");
        }
    }

    /// <summary>OpenCV's own CascadeClassifier on the same XML, shared by the class.</summary>
    public sealed class OpenCvCascade : IDisposable
    {
        private readonly string _cascadePath = CascadePath();
        private readonly CascadeClassifier _classifier;

        public OpenCvCascade() => _classifier = new CascadeClassifier(_cascadePath);

        public List<FaceBox> Detect(SixLabors.ImageSharp.Image<Rgb24> image, int minNeighbors)
        {
            using var bgr = OpenCvInterop.ToMat(OpenCvInterop.ToBgr(image), image.Width, image.Height, 3);
            using var gray = new Mat();
            Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
            return _classifier.DetectMultiScale(gray, 1.1, minNeighbors).Select(r => new FaceBox(r.X, r.Y, r.Width, r.Height)).ToList();
        }

        public (byte[] Gray, HashSet<(int, int, int, int)> Raw) RawDetections(SixLabors.ImageSharp.Image<Rgb24> image)
        {
            using var bgr = OpenCvInterop.ToMat(OpenCvInterop.ToBgr(image), image.Width, image.Height, 3);
            using var gray = new Mat();
            Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
            var raw = _classifier.DetectMultiScale(gray, 1.1, 0).Select(r => (r.X, r.Y, r.Width, r.Height)).ToHashSet();
            return (OpenCvInterop.ToBytes(gray), raw);
        }

        public void Dispose()
        {
            _classifier.Dispose();
            File.Delete(_cascadePath);
        }

        private static string CascadePath()
        {
            // The same XML the library embeds, written out so OpenCV reads the identical cascade.
            string path = Path.Combine(Path.GetTempPath(), $"neurosync-haar-{Guid.NewGuid():N}.xml");
            using var resource = typeof(HaarCascade).Assembly.GetManifestResourceStream("NeuroSync.Vision.haarcascade_frontalface_default.xml")!;
            using var file = File.Create(path);
            resource.CopyTo(file);
            return path;
        }
    }
}
