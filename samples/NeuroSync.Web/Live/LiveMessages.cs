using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroSync.Web.Live;

/// <summary>The first message of a live socket: the session's settings. The page's clock starts (0 ms) when it arrives.</summary>
/// <param name="Type">Always <c>ready</c>.</param>
/// <param name="Session">The session's number on this server (for logs).</param>
/// <param name="ModelSet">The model set's name.</param>
/// <param name="Labels">The labels, in score order.</param>
/// <param name="HopMs">The time between updates.</param>
/// <param name="WindowMs">The length of the window each update judges.</param>
/// <param name="SampleRate">The audio messages' sample rate (16000, mono, 16-bit).</param>
/// <param name="FramesPerSecond">The frame rate the page should send.</param>
/// <param name="MaxFramesPerSecond">The rate beyond which frames are dropped.</param>
/// <param name="MaxMessageBytes">The largest message the server takes.</param>
/// <param name="MaxAudioChunkMs">The longest audio chunk the server takes.</param>
/// <param name="FaceBoxes"><c>perFrame</c> when a <c>face</c> message follows every frame; <c>perUpdate</c> when the faces
/// come with the updates only.</param>
public sealed record LiveReadyMessage(
    string Type,
    long Session,
    string ModelSet,
    IReadOnlyList<string> Labels,
    double HopMs,
    double WindowMs,
    int SampleRate,
    int FramesPerSecond,
    double MaxFramesPerSecond,
    int MaxMessageBytes,
    int MaxAudioChunkMs,
    string FaceBoxes);

/// <summary>The face box of one received frame, sent as soon as the server has found it.</summary>
/// <param name="Type">Always <c>face</c>.</param>
/// <param name="T">The frame's timestamp (ms, page clock), as the page sent it.</param>
/// <param name="Width">The frame's width in pixels.</param>
/// <param name="Height">The frame's height in pixels.</param>
/// <param name="Box">The largest face, in frame pixels, or <see langword="null"/> when none was found.</param>
public sealed record LiveFaceMessage(string Type, long T, int Width, int Height, LiveBox? Box);

/// <summary>A face rectangle in frame pixels.</summary>
/// <param name="X">The left edge.</param>
/// <param name="Y">The top edge.</param>
/// <param name="Width">The width.</param>
/// <param name="Height">The height.</param>
/// <param name="Score">The detector's confidence.</param>
public sealed record LiveBox(int X, int Y, int Width, int Height, float Score);

/// <summary>One judgement of the live stream: the window that ends at <see cref="WindowEndMs"/>.</summary>
/// <param name="Type">Always <c>update</c>.</param>
/// <param name="Sequence">The update's number, from 0.</param>
/// <param name="WindowStartMs">The judged window's start (ms, page clock).</param>
/// <param name="WindowEndMs">Its end (exclusive): a multiple of the hop, or the end of the input for the final update.</param>
/// <param name="Label">The reported label (may be the silence override, or <c>unknown</c> in robust mode).</param>
/// <param name="RawLabel">The arg-max label.</param>
/// <param name="Confidence">The arg-max probability.</param>
/// <param name="Scores">Every label's probability, in the model set's order.</param>
/// <param name="Mask">Which modalities the window could use.</param>
/// <param name="Faces">The frames the stream analysed since the previous update, each with its face and track.</param>
/// <param name="Utterances">Speech starting or ending since the previous update.</param>
/// <param name="Frames">The session's frame counts so far.</param>
/// <param name="SkippedUpdates">Updates dropped before this one because the socket was slower than the hop.</param>
/// <param name="LatencyMs">From the arrival of the input that completed the window to the update.</param>
/// <param name="IsFinal">Whether this is the last update (after an <c>end</c> message).</param>
public sealed record LiveUpdateMessage(
    string Type,
    long Sequence,
    double WindowStartMs,
    double WindowEndMs,
    string Label,
    string RawLabel,
    float Confidence,
    IReadOnlyList<LabelScore> Scores,
    MaskResponse Mask,
    IReadOnlyList<LiveStreamFace> Faces,
    IReadOnlyList<LiveUtterance> Utterances,
    LiveFrameCounts Frames,
    int SkippedUpdates,
    double LatencyMs,
    bool IsFinal);

/// <summary>What the stream saw in one analysed frame.</summary>
/// <param name="T">The frame's timestamp (ms, page clock).</param>
/// <param name="Status">Whether the frame was usable (<c>available</c>, <c>noFace</c>, <c>tooDark</c>, <c>covered</c>).</param>
/// <param name="Box">The largest face, or <see langword="null"/>.</param>
/// <param name="TrackId">An id kept while the face stays from frame to frame; -1 without a face.</param>
public sealed record LiveStreamFace(double T, string Status, LiveBox? Box, int TrackId);

/// <summary>Speech starting or ending.</summary>
/// <param name="Kind"><c>started</c> or <c>ended</c>.</param>
/// <param name="T">The start of the hop in which it happened (ms, page clock).</param>
public sealed record LiveUtterance(string Kind, double T);

/// <summary>A session's frame counts so far.</summary>
/// <param name="Received">Frame messages received.</param>
/// <param name="TooFast">Dropped by the server because they came faster than <see cref="LiveOptions.MaxFramesPerSecond"/> or
/// ahead of real time.</param>
/// <param name="Dropped">Dropped by the stream: its backlog was full, or the frame came after its windows were judged.</param>
public sealed record LiveFrameCounts(long Received, long TooFast, long Dropped);

/// <summary>Source-generated JSON metadata for the live messages.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveReadyMessage))]
[JsonSerializable(typeof(LiveFaceMessage))]
[JsonSerializable(typeof(LiveUpdateMessage))]
public sealed partial class LiveJsonContext : JsonSerializerContext;
