namespace NeuroSync;

/// <summary>Which modalities of a clip could be trusted, with the reason for each one that could not.</summary>
/// <param name="Audio">The state of the audio.</param>
/// <param name="Video">The state of the video.</param>
public sealed record ModalityMask(AudioStatus Audio, VideoStatus Video)
{
    /// <summary>Gets a value indicating whether the audio carried usable signal.</summary>
    public bool IsAudioAvailable => Audio == AudioStatus.Available;

    /// <summary>Gets a value indicating whether the video showed a usable face.</summary>
    public bool IsVideoAvailable => Video == VideoStatus.Available;

    /// <summary>Describes the mask in words, e.g. <c>audio: silent, video: covered</c>.</summary>
    /// <returns>A short human-readable description.</returns>
    public override string ToString() => $"audio: {Describe(Audio)}, video: {Describe(Video)}";

    private static string Describe(AudioStatus status) => status switch
    {
        AudioStatus.Available => "available",
        AudioStatus.Silent => "silent",
        AudioStatus.NoSpeech => "no speech",
        _ => "missing",
    };

    private static string Describe(VideoStatus status) => status switch
    {
        VideoStatus.Available => "available",
        VideoStatus.NoFrames => "no frames",
        VideoStatus.NoFace => "no face",
        VideoStatus.TooDark => "too dark",
        _ => "camera covered",
    };
}
