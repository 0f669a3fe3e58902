using System.Collections;
using NeuroSync.Vision;

namespace NeuroSync.Cli;

/// <summary>
/// The frames of a clip given as image files, decoded when first read: the pipeline samples only every n-th frame, so a
/// folder of 300 frames costs 30 decodes and 30 images in memory rather than 300.
/// </summary>
/// <remarks>Any frame the pipeline reads is decoded (and kept until <see cref="Dispose"/>), whatever its index, so the
/// result never depends on which frames the pipeline samples. Not thread-safe; the pipeline reads the frames on one thread.</remarks>
internal sealed class ClipFrames : IReadOnlyList<VideoFrame>, IDisposable
{
    private readonly IReadOnlyList<string> _files;
    private readonly VideoFrame?[] _frames;
    private readonly FrameLoader _loader = new();

    /// <summary>Creates the frames of a clip from image files.</summary>
    /// <param name="files">The image files, one frame each, in clip order.</param>
    public ClipFrames(IReadOnlyList<string> files)
    {
        _files = files;
        _frames = new VideoFrame?[files.Count];
    }

    /// <summary>Creates the frames of a still image: the image repeated <paramref name="frameStride"/> times, so the pipeline,
    /// which samples every <paramref name="frameStride"/>-th frame, samples it exactly once (and decodes it once).</summary>
    /// <param name="file">The image file.</param>
    /// <param name="frameStride">The model set's frame stride (<c>video.frameStride</c>).</param>
    /// <returns>The frames, one of which is sampled.</returns>
    /// <remarks>One rule for every command that treats an image as a clip (<c>analyze --frames</c> with one image,
    /// <c>evaluate --kind faces</c>), so their predictions for the same image agree.</remarks>
    public static ClipFrames Still(string file, int frameStride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameStride, 1);
        return new ClipFrames(Enumerable.Repeat(file, frameStride).ToArray());
    }

    /// <inheritdoc/>
    public int Count => _files.Count;

    /// <inheritdoc/>
    public VideoFrame this[int index] => _frames[index] ??= new VideoFrame(_loader.Load(_files[index]));

    /// <summary>Gets the file name of a frame.</summary>
    /// <param name="index">The frame index (0-based).</param>
    /// <returns>The file name, without its folder.</returns>
    public string FileName(int index) => Path.GetFileName(_files[index]);

    /// <summary>Decodes frames ahead of use (so decoding is not timed as preprocessing, and a bad file fails early).</summary>
    /// <param name="indices">The frame indices (0-based).</param>
    public void Preload(IEnumerable<int> indices)
    {
        foreach (int index in indices)
        {
            _ = this[index];
        }
    }

    /// <inheritdoc/>
    public IEnumerator<VideoFrame> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases every decoded image.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _frames.Length; i++)
        {
            _frames[i]?.Image.Dispose();
            _frames[i] = null;
        }
    }
}
