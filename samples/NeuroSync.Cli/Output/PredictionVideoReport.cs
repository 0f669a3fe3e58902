namespace NeuroSync.Cli.Output;

/// <summary>The video side of a prediction.</summary>
/// <param name="Status">The video status (camelCase <see cref="VideoStatus"/> name: <c>available</c>, <c>noFrames</c>, <c>noFace</c>, ...).</param>
/// <param name="Frames">The frames the pipeline sampled and analysed (every 10th frame of the clip by default).</param>
/// <param name="Faces">How many of those frames showed a face.</param>
internal sealed record PredictionVideoReport(string Status, int Frames, int Faces);
