using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroSync.Web;

/// <summary>The JSON answer of <c>/api/predict</c>.</summary>
/// <param name="Label">The reported label (may be the silence override, e.g. "neutral (silence)").</param>
/// <param name="RawLabel">The arg-max label before any override.</param>
/// <param name="Confidence">The arg-max probability.</param>
/// <param name="Scores">Every label's probability, in the model set's order.</param>
/// <param name="Mask">Which modalities could be used, and why not.</param>
/// <param name="Contributions">How far each modality moved the result, or <see langword="null"/> when not computed.</param>
/// <param name="Frames">What the server saw in the frames.</param>
/// <param name="Timings">Where the time went, in milliseconds.</param>
/// <param name="ModelSet">The model set's name.</param>
public sealed record PredictionResponse(
    string Label,
    string RawLabel,
    float Confidence,
    IReadOnlyList<LabelScore> Scores,
    MaskResponse Mask,
    ContributionsResponse? Contributions,
    FramesResponse Frames,
    TimingsResponse Timings,
    string ModelSet);

/// <summary>One label's probability.</summary>
/// <param name="Label">The label.</param>
/// <param name="Score">Its probability.</param>
public sealed record LabelScore(string Label, float Score);

/// <summary>The modality mask, as codes and in words.</summary>
/// <param name="Audio">The audio status code (<c>available</c>, <c>silent</c>, <c>missing</c>).</param>
/// <param name="Video">The video status code (<c>available</c>, <c>noFrames</c>, <c>noFace</c>, <c>tooDark</c>, <c>covered</c>).</param>
/// <param name="Text">The mask in words, e.g. "audio: silent, video: camera covered".</param>
public sealed record MaskResponse(string Audio, string Video, string Text);

/// <summary>How far each modality moved the probabilities (total variation against that modality's zero input).</summary>
/// <param name="Audio">The audio's share.</param>
/// <param name="Video">The video's share.</param>
public sealed record ContributionsResponse(float Audio, float Video);

/// <summary>What the server saw in the frames.</summary>
/// <param name="Received">Frames in the request.</param>
/// <param name="WithFace">Frames in which a face was found.</param>
public sealed record FramesResponse(int Received, int WithFace);

/// <summary>Where the time went, in milliseconds.</summary>
/// <param name="AudioPreprocessing">Decoding aside, the audio front-end.</param>
/// <param name="VideoPreprocessing">Face detection, crops and normalisation.</param>
/// <param name="AudioEncoder">The audio encoder.</param>
/// <param name="VisualEncoder">The visual encoder.</param>
/// <param name="Fusion">The fusion head.</param>
/// <param name="Pipeline">The whole recognition call.</param>
/// <param name="Server">From the first byte of the request read to the answer, upload decoding included.</param>
public sealed record TimingsResponse(
    double AudioPreprocessing, double VideoPreprocessing, double AudioEncoder, double VisualEncoder, double Fusion, double Pipeline, double Server);

/// <summary>The JSON answer of <c>GET /healthz</c>.</summary>
/// <param name="Status">The overall status: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="Checks">Each check's outcome.</param>
public sealed record HealthResponse(string Status, IReadOnlyList<HealthCheckResponse> Checks);

/// <summary>One health check's outcome.</summary>
/// <param name="Name">The check's name (<c>model-set</c>).</param>
/// <param name="Status">Its status.</param>
/// <param name="Description">What it found: the loaded set, or why it failed to load.</param>
public sealed record HealthCheckResponse(string Name, string Status, string? Description);

/// <summary>The page's start-up information, from <c>/api/info</c>.</summary>
/// <param name="ModelSet">The model set's name.</param>
/// <param name="Description">Its description.</param>
/// <param name="Labels">Its labels, in order.</param>
/// <param name="FrameStride">The page sends every n-th camera frame, as the original sampled its clips.</param>
/// <param name="RecordSeconds">How long the page records.</param>
public sealed record InfoResponse(string ModelSet, string? Description, IReadOnlyList<string> Labels, int FrameStride, int RecordSeconds);

/// <summary>Source-generated JSON metadata for the API's types (no reflection at run time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(InfoResponse))]
public sealed partial class WebJsonContext : JsonSerializerContext;
