namespace NeuroSync.Vision;

/// <summary>Settings of <see cref="BlazeFaceDetector"/>; the defaults are those of the <c>@vladmandic/human</c> library the
/// model comes from, except that every face is reported, not only the best one, which needs a stricter score.</summary>
public sealed class BlazeFaceDetectorOptions
{
    /// <summary>Gets or sets the score (0 to 1) a face must exceed to be reported. Default 0.6: the human library's 0.2 works
    /// because it keeps only the best face; on the committed photos real faces score 0.78 to 0.96, stray boxes 0.20 to 0.22
    /// and a cat's face 0.52.</summary>
    public float MinConfidence { get; set; } = 0.6f;

    /// <summary>Gets or sets the overlap (intersection over union) above which the weaker of two boxes is suppressed. Default 0.1.</summary>
    public float IouThreshold { get; set; } = 0.1f;

    /// <summary>Gets or sets the most faces reported, best first. Default 10.</summary>
    public int MaxFaces { get; set; } = 10;

    /// <summary>Gets or sets how much each box is enlarged about its centre: 1 reports the detector's own box (brow to chin,
    /// cheek to cheek); the human library uses 1.4 for its face-mesh crop. Default 1.</summary>
    public float BoxScale { get; set; } = 1f;

    /// <summary>Gets or sets the black margin, as a fraction of the frame's longer side on every side, of a second search
    /// made when the first finds no face or a close-up (see <see cref="CloseUpFaceFraction"/>): a face that fills the frame
    /// (a close-up, a face crop) is larger than the faces the network was trained on, so it is missed or only its middle is
    /// boxed. The faces of the second search of at least <see cref="CloseUpMinFaceFraction"/>, if any, replace the first search's. Default 0 (no second search).</summary>
    public float CloseUpMargin { get; set; }

    /// <summary>Gets or sets how large a face found by the first search must be, as a fraction of the frame's shorter side,
    /// to count as a close-up that is searched again with <see cref="CloseUpMargin"/>. Default 0.5.</summary>
    public float CloseUpFaceFraction { get; set; } = 0.5f;

    /// <summary>Gets or sets how large a face found by the second search must be, as a fraction of the frame's shorter side,
    /// to count: on the shrunken frame, small patterns (a cat's ear) can pass for distant faces. Default 0.2.</summary>
    public float CloseUpMinFaceFraction { get; set; } = 0.2f;

    /// <summary>Gets or sets the zoom of a last search made when the others find no face: the frame is searched again in
    /// overlapping tiles whose longer side is the frame's divided by this, so each face is seen this much larger. Faces
    /// of 120 to 220 pixels in a 640x480 frame are 48 to 88 pixels on the network's 256-pixel input, where BlazeFace
    /// misses about one in twenty; faces of 70 to 120 pixels, one in ten. Zoom 2 (320-pixel tiles of a 640x480 frame: four
    /// at the corners and two over the seam between them) finds about half of those. Default 0 (no tile search); else 1.1 to 2.</summary>
    public float TileZoom { get; set; }

    /// <summary>Gets or sets the largest tile side in pixels: in a frame larger than this times <see cref="TileZoom"/> the
    /// tiles keep this side (and more of them cover the frame), so that a face of a given size in pixels is seen as large in
    /// a 1920x1080 frame as in a 1280x720 one. A 120-pixel face is 32 pixels on the network's input in a 960-pixel tile
    /// (zoom 2 of 1920), 48 in a 640-pixel one. Default 0 (the frame's longer side divided by the zoom, whatever the
    /// frame); else 128 to 4096.</summary>
    public int TileMaxSide { get; set; }

    /// <summary>Gets or sets a lower score at which a face the tiles find counts as a candidate when none of theirs exceeds
    /// <see cref="MinConfidence"/>: each of the best two candidates is searched again in a square four times its size
    /// around it, and a face there that overlaps it (IoU above 0.3) and exceeds <see cref="MinConfidence"/> is reported. A small
    /// face that the tiles see at 0.4 to 0.6 scores higher on that square, where it is a quarter of the input; a pattern
    /// of the background mostly does not. Default 0 (no candidates); else up to <see cref="MinConfidence"/>.</summary>
    public float TileCandidateConfidence { get; set; }

    /// <summary>Gets or sets the size, as a fraction of the frame's longer side, under which a found face is searched again
    /// in a square four times its size around it, where it is a quarter of the network's input (the size it boxes best);
    /// the best box there that overlaps the first (IoU above 0.3) replaces it. A face of 70 to 120 pixels in a 640x480
    /// frame is 28 to 48 pixels on the 256-pixel input, and its box is too coarse for the crop. Default 0 (never); else up to 0.5.</summary>
    public float RefineFaceFraction { get; set; }

    /// <summary>Gets or sets the input side, in pixels, of a cheaper search made first: the whole frame (and its close-up
    /// canvas) at this size, each face found there boxed again in a square three times its size at this size. Only when it
    /// finds no face do the full-size searches (and the tiles) run; a face of more than 0.45 of the frame that they find then
    /// counts only when they find no other and a search in a square three times its size finds it again (the quick search
    /// would have seen a real face of that size: such a box is mostly a pattern of the background). At 128 pixels the network does a quarter of its work at
    /// 256; on the lite set's development measurements the two give the same accuracy, and a frame with a face costs about
    /// two thirds as much. What it cannot see: a face under about a tenth of the frame's longer side beside a larger one
    /// that it finds (a far face behind a near one) is not reported. The expression is read from the largest face, so
    /// predictions do not change; a caller that needs every face (the stream's face lists) sets 0. Needs a model whose input
    /// size is free. Default 0 (none); else a multiple of 32 from 64, less than the model's size.</summary>
    public int QuickSearchSize { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the range and the value.</exception>
    public void Validate()
    {
        Require(MinConfidence is >= 0f and < 1f, nameof(MinConfidence), $"expected 0 to 1 (exclusive), found {MinConfidence}");
        Require(IouThreshold is > 0f and <= 1f, nameof(IouThreshold), $"expected a value in (0, 1], found {IouThreshold}");
        Require(MaxFaces is >= 1 and <= 896, nameof(MaxFaces), $"expected 1 to 896 (the anchor count), found {MaxFaces}");
        Require(BoxScale is >= 0.5f and <= 4f, nameof(BoxScale), $"expected 0.5 to 4, found {BoxScale}");
        Require(CloseUpMargin is >= 0f and <= 2f, nameof(CloseUpMargin), $"expected 0 to 2, found {CloseUpMargin}");
        Require(CloseUpMinFaceFraction is >= 0f and <= 1f, nameof(CloseUpMinFaceFraction), $"expected 0 to 1, found {CloseUpMinFaceFraction}");
        Require(TileZoom == 0f || TileZoom is >= 1.1f and <= 2f, nameof(TileZoom), $"expected 0 (no tile search) or 1.1 to 2, found {TileZoom}");
        Require(TileMaxSide == 0 || TileMaxSide is >= 128 and <= 4096, nameof(TileMaxSide), $"expected 0 (no limit) or 128 to 4096, found {TileMaxSide}");
        Require(RefineFaceFraction is >= 0f and <= 0.5f, nameof(RefineFaceFraction), $"expected 0 (never) to 0.5, found {RefineFaceFraction}");
        Require(TileCandidateConfidence >= 0f && TileCandidateConfidence <= MinConfidence, nameof(TileCandidateConfidence), $"expected 0 (no candidates) to MinConfidence ({MinConfidence}), found {TileCandidateConfidence}");
        Require(QuickSearchSize == 0 || (QuickSearchSize >= 64 && QuickSearchSize % 32 == 0), nameof(QuickSearchSize), $"expected 0 (no quick search) or a multiple of 32 from 64, found {QuickSearchSize}");
        Require(CloseUpFaceFraction is > 0f and <= 1f, nameof(CloseUpFaceFraction), $"expected a value in (0, 1], found {CloseUpFaceFraction}");
    }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public BlazeFaceDetectorOptions Clone() => (BlazeFaceDetectorOptions)MemberwiseClone();

    private static void Require(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"BlazeFaceDetectorOptions.{name}: {message}.");
        }
    }
}
