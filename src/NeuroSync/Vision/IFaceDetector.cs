using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>Finds faces in an image.</summary>
/// <remarks>Implementations are thread-safe and never change or dispose the image.</remarks>
public interface IFaceDetector
{
    /// <summary>Finds every face in an image.</summary>
    /// <param name="image">The image to search.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The faces found, possibly none, in pixel coordinates of <paramref name="image"/>.</returns>
    IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default);
}
