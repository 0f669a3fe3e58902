using System.Text.Json;

namespace NeuroSync.Cli.Output;

/// <summary>Names and explanations of the front-ends' statuses, as printed.</summary>
internal static class StatusText
{
    /// <summary>The status's name in camelCase, as JSON prints it (<c>available</c>, <c>noFace</c>, ...).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name.</returns>
    public static string Name(VideoStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>The status's name in camelCase, as JSON prints it (<c>available</c>, <c>silent</c>, <c>missing</c>).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name.</returns>
    public static string Name(AudioStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>Explains a video status in a few words.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The explanation.</returns>
    public static string Reason(VideoStatus status) => status switch
    {
        VideoStatus.Available => "face found",
        VideoStatus.NoFrames => "no frames",
        VideoStatus.NoFace => "no face found (original mode: the whole frame is used; robust mode: the video is left out)",
        VideoStatus.TooDark => "too dark (original mode: the whole frame is used; robust mode: the video is left out)",
        VideoStatus.Covered => "near-uniform frame, camera covered? (original mode: the whole frame is used; robust mode: the video is left out)",
        _ => status.ToString(),
    };

    /// <summary>Explains the silence gate's verdict in a few words.</summary>
    /// <param name="silent">Whether the clip is below the gate.</param>
    /// <returns>The explanation.</returns>
    public static string AudioVerdict(bool silent) => silent ? "silent (the encoder hears zeros)" : "available";

    /// <summary>Explains an audio status in a few words.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The explanation.</returns>
    public static string Reason(AudioStatus status) => status switch
    {
        AudioStatus.Available => "available",
        AudioStatus.Silent => "silent (the encoder hears zeros)",
        AudioStatus.Missing => "missing (no audio given; the encoder hears zeros)",
        AudioStatus.NoSpeech => "no speech (the voice-activity detector heard none; the encoder hears zeros)",
        _ => status.ToString(),
    };
}
