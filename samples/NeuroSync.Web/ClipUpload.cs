using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.Web;

/// <summary>One clip received by <c>/api/predict</c>, decoded and held in memory only; disposing it frees the frames.</summary>
internal sealed class ClipUpload : IDisposable
{
    private readonly List<VideoFrame> _frames = [];

    /// <summary>Gets the clip's sound, or <see langword="null"/> when the request had no <c>audio</c> part.</summary>
    public AudioClip? Audio { get; set; }

    /// <summary>Gets the frames, in the order the request sent them.</summary>
    public IReadOnlyList<VideoFrame> Frames => _frames;

    /// <summary>Adds a decoded frame; the upload owns it from now on.</summary>
    /// <param name="frame">The frame.</param>
    public void AddFrame(VideoFrame frame) => _frames.Add(frame);

    /// <summary>Gets the pipeline's input for this clip.</summary>
    /// <returns>The input (the frames stay owned by this upload).</returns>
    public EmotionInput ToInput() => new() { Audio = Audio, Frames = _frames.Count > 0 ? _frames : null };

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (VideoFrame frame in _frames)
        {
            frame.Image.Dispose();
        }

        _frames.Clear();
    }
}
