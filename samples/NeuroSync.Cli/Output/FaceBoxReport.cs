using NeuroSync.Vision;

namespace NeuroSync.Cli.Output;

/// <summary>A face rectangle as printed: pixel coordinates of the input image.</summary>
/// <param name="X">The left edge.</param>
/// <param name="Y">The top edge.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
internal sealed record FaceBoxReport(int X, int Y, int Width, int Height)
{
    /// <summary>Converts a detector box.</summary>
    /// <param name="box">The box.</param>
    /// <returns>The printed form.</returns>
    public static FaceBoxReport From(FaceBox box) => new(box.X, box.Y, box.Width, box.Height);
}
