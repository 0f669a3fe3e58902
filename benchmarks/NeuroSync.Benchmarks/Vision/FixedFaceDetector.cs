using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Benchmarks.Vision;

/// <summary>A detector that finds the same face in every frame at once, to time everything in the video front-end but
/// detection (lighting probe, crop, resize, normalise).</summary>
/// <param name="face">The box returned for every frame.</param>
internal sealed class FixedFaceDetector(FaceBox face) : IFaceDetector
{
    private readonly FaceBox[] _faces = [face];

    /// <inheritdoc/>
    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default) => _faces;
}
