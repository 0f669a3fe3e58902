namespace NeuroSync.Cli.Output;

/// <summary>What <c>preprocess-frames</c> prints: every frame and the clip's overall video status.</summary>
/// <param name="Status">The overall status (camelCase <see cref="VideoStatus"/> name).</param>
/// <param name="Reason">The overall status in words.</param>
/// <param name="Frames">One report per image, in file-name order.</param>
internal sealed record FramesReport(string Status, string Reason, IReadOnlyList<FrameReport> Frames);
