using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Tests.Vision;

/// <summary>A hand-written fake detector: returns whatever <see cref="DetectFacesCallback"/> says.</summary>
internal sealed class TestFaceDetector : IFaceDetector
{
    public Func<Image<Rgb24>, IReadOnlyList<FaceBox>> DetectFacesCallback { get; set; } = _ => [];

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return DetectFacesCallback(image);
    }
}
