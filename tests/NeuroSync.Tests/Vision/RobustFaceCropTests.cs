using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

/// <summary>Robust mode's face crop: the box scaled, squared and shifted, kept inside the frame, and the whole frame for close-ups in a square frame (a face crop);
/// each case equals the original's crop of the region it should take (the original crops the detector's box as it is).</summary>
public class RobustFaceCropTests
{
    [Theory]
    [InlineData(200, 150, 100, 80, 1.3f, true, -0.1f, 0f, 185, 117, 130, 130)] // scaled about the shifted centre, squared on the longer side
    [InlineData(10, 10, 100, 100, 1.4f, true, 0f, 0f, 0, 0, 140, 140)] // overhangs the top-left corner: slides back inside
    [InlineData(590, 420, 50, 60, 1.2f, true, 0f, 0f, 568, 408, 72, 72)] // overhangs the bottom-right corner
    [InlineData(300, 100, 260, 260, 1.3f, true, 0f, 0.6f, 261, 61, 338, 338)] // a large face in a 4:3 camera frame: still the scaled box
    [InlineData(300, 100, 260, 260, 1.3f, true, 0f, 0.6f, 20, 0, 480, 480, 500, 480)] // a close-up in a square frame (a face crop): the whole frame
    [InlineData(300, 100, 260, 260, 1.3f, true, 0f, 0.9f, 162, 61, 338, 338, 500, 480)] // ... unless the crop is under wholeFrame of it
    public void Preprocess_Robust_CropsTheRegionTheSettingsDescribe(
        int x, int y, int w, int h, float scale, bool square, float shiftY, float wholeFrame, int ex, int ey, int ew, int eh, int width = 640, int height = 480)
    {
        using var frame = Gradient(width, height);
        var robust = Preprocessor(_ => [new FaceBox(x, y, w, h)], new() { FaceCropScale = scale, SquareFaceCrop = square, FaceCropShiftY = shiftY, CloseUpWholeFrameFraction = wholeFrame });
        var reference = Preprocessor(_ => [new FaceBox(ex, ey, ew, eh)], new());

        float[] actual = Run(robust, frame, RecognitionMode.Robust);
        float[] expected = Run(reference, frame, RecognitionMode.Original);

        Assert.Equal(expected, actual); // tolerance: exact (the same region through the same resize)
    }

    [Fact]
    public void Preprocess_Original_IgnoresTheCropSettings()
    {
        using var frame = Gradient(640, 480);
        var withSettings = Preprocessor(_ => [new FaceBox(200, 150, 100, 80)], new() { FaceCropScale = 1.5f, SquareFaceCrop = true, FaceCropShiftY = 0.2f });
        var plain = Preprocessor(_ => [new FaceBox(200, 150, 100, 80)], new());

        Assert.Equal(Run(plain, frame, RecognitionMode.Original), Run(withSettings, frame, RecognitionMode.Original));
    }

    [Fact]
    public void Preprocess_SaysWhichTensorFramesWereCroppedAroundTheirFace()
    {
        // A face in a camera frame, a frame without one, a close-up in a square frame (its whole frame), the face again.
        using var camera = Gradient(640, 480);
        using var empty = Gradient(320, 240);
        using var closeUp = Gradient(500, 480);
        var preprocessor = Preprocessor(
            image => image.Width switch { 640 => [new FaceBox(200, 150, 100, 80)], 500 => [new FaceBox(100, 100, 260, 260)], _ => [] },
            new() { FaceCropScale = 1.3f, SquareFaceCrop = true, CloseUpWholeFrameFraction = 0.6f });
        VideoFrame[] clip = [new(camera), new(empty), new(closeUp), new(camera)];
        var tensor = new float[preprocessor.TensorLength(clip.Length)];

        VideoPreprocessingResult robust = preprocessor.Preprocess(clip, tensor, RecognitionMode.Robust);
        VideoPreprocessingResult original = preprocessor.Preprocess(clip, tensor, RecognitionMode.Original);

        Assert.Equal(3, robust.TensorFrameCount);
        Assert.Equal([true, false, true], robust.CroppedAroundFace.ToArray()); // one per tensor frame, the faceless frame left out
        Assert.Equal([true, false, false, true], robust.Frames.Select(f => f.CroppedAroundFace));
        Assert.True(original.CroppedAroundFace.IsEmpty); // the original crops the detector's box as it is
        Assert.All(original.Frames, f => Assert.False(f.CroppedAroundFace));
    }

    private static VideoPreprocessor Preprocessor(Func<Image<Rgb24>, IReadOnlyList<FaceBox>> faces, VideoPreprocessingOptions options)
    {
        options.FrameStride = 1;
        options.CropSize = 32;
        return new VideoPreprocessor(new TestFaceDetector { DetectFacesCallback = faces }, options);
    }

    private static float[] Run(VideoPreprocessor preprocessor, Image<Rgb24> frame, RecognitionMode mode)
    {
        var tensor = new float[preprocessor.TensorLength(1)];
        VideoPreprocessingResult result = preprocessor.Preprocess([new VideoFrame(frame)], tensor, mode);
        Assert.Equal(1, result.TensorFrameCount);
        return tensor;
    }

    /// <summary>A frame whose every pixel says where it is, so two crops agree only when they take the same region.</summary>
    private static Image<Rgb24> Gradient(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x % 251), (byte)(y % 241), (byte)((x * 7 + y * 13) % 256));
                }
            }
        });
        return image;
    }
}
