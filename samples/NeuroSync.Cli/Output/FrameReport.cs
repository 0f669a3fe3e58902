namespace NeuroSync.Cli.Output;

/// <summary>What the video front-end saw in one image.</summary>
/// <param name="File">The image's file name.</param>
/// <param name="Box">The largest face (the crop), or <see langword="null"/> when the whole frame was used.</param>
/// <param name="Lighting">The lighting probe.</param>
/// <param name="Status">The frame's status (camelCase <see cref="VideoStatus"/> name).</param>
/// <param name="Reason">The status in words.</param>
/// <param name="Crop">The path of the 224x224 crop written for this frame, when one was written.</param>
internal sealed record FrameReport(string File, FaceBoxReport? Box, LightingReport Lighting, string Status, string Reason, string? Crop);
