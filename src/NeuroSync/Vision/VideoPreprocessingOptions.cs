namespace NeuroSync.Vision;

/// <summary>Settings of <see cref="VideoPreprocessor"/>; the defaults reproduce the original system.</summary>
public sealed class VideoPreprocessingOptions
{
    /// <summary>Gets or sets the sampling stride: frames number <c>Stride</c>, <c>2 * Stride</c>, ... (1-based) are used. Default 10.</summary>
    public int FrameStride { get; set; } = OriginalDefaults.FrameStride;

    /// <summary>Gets or sets the side of the square crop fed to the visual encoder, in pixels. Default 224.</summary>
    public int CropSize { get; set; } = OriginalDefaults.CropSize;

    /// <summary>Gets or sets the per-plane mean subtracted after scaling to [0, 1], in tensor plane order. Default ImageNet's (0.485, 0.456, 0.406).</summary>
    public float[] Mean { get; set; } = OriginalDefaults.Mean;

    /// <summary>Gets or sets the per-plane standard deviation divided by, in tensor plane order. Default ImageNet's (0.229, 0.224, 0.225).</summary>
    public float[] Std { get; set; } = OriginalDefaults.Std;

    /// <summary>Gets or sets the order of the colour planes. Default <see cref="ChannelOrder.Bgr"/>, as the original system's encoder saw.</summary>
    public ChannelOrder ChannelOrder { get; set; } = ChannelOrder.Bgr;

    /// <summary>Gets or sets how many all-zero frames stand for a clip without a usable frame. Default 10.</summary>
    public int EmptyVideoFrameCount { get; set; } = OriginalDefaults.EmptyVideoFrameCount;

    /// <summary>Gets or sets the mean luma (0 to 255) below which a frame is too dark. Default 25.</summary>
    public float TooDarkMeanLuma { get; set; } = 25f;

    /// <summary>Gets or sets the luma standard deviation (0 to 255) below which a frame is near-uniform: a covered camera. Default 6.</summary>
    public float CoveredLumaStdDev { get; set; } = 6f;

    /// <summary>Gets or sets how much the face box is enlarged about its centre before it is cropped, in
    /// <see cref="RecognitionMode.Robust"/> (the original crops the detector's box as it is). The crop is then clipped to
    /// the frame. Default 1.</summary>
    public float FaceCropScale { get; set; } = 1f;

    /// <summary>Gets or sets a value indicating whether, in <see cref="RecognitionMode.Robust"/>, the face crop is made
    /// square (its longer side) before scaling, so the resize to <see cref="CropSize"/> keeps the face's proportions. Default false.</summary>
    public bool SquareFaceCrop { get; set; }

    /// <summary>Gets or sets how far, in <see cref="RecognitionMode.Robust"/>, the crop's centre moves down, as a fraction
    /// of the face box's height (negative: up). Default 0.</summary>
    public float FaceCropShiftY { get; set; }

    /// <summary>Gets or sets, for <see cref="RecognitionMode.Robust"/>, the size of a face crop, as a fraction of the frame's
    /// shorter side, from which on the crop becomes the largest square the frame holds around the face, when the frame itself
    /// is square (its sides within 10 % of each other): such a frame is a face crop already. A camera frame (4:3, 16:9) keeps
    /// the scaled box however large the face. Default 0 (never).</summary>
    public float CloseUpWholeFrameFraction { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and the accepted range.</exception>
    public void Validate()
    {
        Require(FrameStride >= 1, nameof(FrameStride), $"expected 1 or more, found {FrameStride}");
        Require(CropSize is >= 8 and <= 2048, nameof(CropSize), $"expected 8 to 2048 pixels, found {CropSize}");
        Require(EmptyVideoFrameCount is >= 1 and <= 1024, nameof(EmptyVideoFrameCount), $"expected 1 to 1024, found {EmptyVideoFrameCount}");
        Require(Mean is { Length: 3 } && Mean.All(float.IsFinite), nameof(Mean), "expected 3 finite values");
        Require(Std is { Length: 3 } && Std.All(s => float.IsFinite(s) && s > 0), nameof(Std), "expected 3 finite positive values");
        Require(TooDarkMeanLuma is >= 0 and <= 255, nameof(TooDarkMeanLuma), $"expected 0 to 255, found {TooDarkMeanLuma}");
        Require(CoveredLumaStdDev is >= 0 and <= 255, nameof(CoveredLumaStdDev), $"expected 0 to 255, found {CoveredLumaStdDev}");
        Require(FaceCropScale is >= 0.25f and <= 4f, nameof(FaceCropScale), $"expected 0.25 to 4, found {FaceCropScale}");
        Require(FaceCropShiftY is >= -1f and <= 1f, nameof(FaceCropShiftY), $"expected -1 to 1, found {FaceCropShiftY}");
        Require(CloseUpWholeFrameFraction is >= 0f and <= 1f, nameof(CloseUpWholeFrameFraction), $"expected 0 (never) to 1, found {CloseUpWholeFrameFraction}");
    }

    /// <summary>Copies the settings, arrays included.</summary>
    /// <returns>An independent copy.</returns>
    public VideoPreprocessingOptions Clone()
    {
        var copy = (VideoPreprocessingOptions)MemberwiseClone();
        copy.Mean = (float[])Mean.Clone();
        copy.Std = (float[])Std.Clone();
        return copy;
    }

    private static void Require(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"VideoPreprocessingOptions.{name}: {message}.", name);
        }
    }
}
