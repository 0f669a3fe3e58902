using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>One decoded video frame.</summary>
/// <param name="Image">The pixels. The caller keeps ownership: NeuroSync reads it and never disposes or changes it.</param>
/// <param name="Timestamp">The frame's presentation time, when known.</param>
public sealed record VideoFrame(Image<Rgb24> Image, TimeSpan? Timestamp = null);
