using NeuroSync.Audio;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Streaming;

/// <summary>One written input waiting for a stream's loop, with the timestamp at which it was written.</summary>
internal abstract record StreamInput(long Written)
{
    public sealed record Audio(AudioClip Clip, long Written) : StreamInput(Written);

    public sealed record Frame(Image<Rgb24> Image, TimeSpan Timestamp, long Written) : StreamInput(Written);

    /// <summary>Completes when the loop reaches it, that is, when everything written before it has been taken in.</summary>
    public sealed record Barrier(TaskCompletionSource Reached, long Written) : StreamInput(Written);
}
