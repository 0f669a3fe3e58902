namespace NeuroSync.Vision;

/// <summary>An axis-aligned face rectangle in pixel coordinates of the image it was found in.</summary>
/// <param name="X">The left edge.</param>
/// <param name="Y">The top edge.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Score">The detector's confidence; for the Haar detector, the number of raw detections merged into this box.</param>
public readonly record struct FaceBox(int X, int Y, int Width, int Height, float Score = 1f)
{
    /// <summary>Gets the area in pixels, used to pick the largest face.</summary>
    public long Area => (long)Width * Height;

    /// <summary>Computes the intersection over union with another box.</summary>
    /// <param name="other">The other box.</param>
    /// <returns>A value between 0 (disjoint) and 1 (identical).</returns>
    public double IntersectionOverUnion(FaceBox other)
    {
        long ix = Math.Max(0, Math.Min(X + Width, other.X + other.Width) - Math.Max(X, other.X));
        long iy = Math.Max(0, Math.Min(Y + Height, other.Y + other.Height) - Math.Max(Y, other.Y));
        long intersection = ix * iy;
        long union = Area + other.Area - intersection;
        return union == 0 ? 0 : (double)intersection / union;
    }
}
