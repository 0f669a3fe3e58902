namespace NeuroSync.Cli.Output;

/// <summary>The audio side of a prediction.</summary>
/// <param name="Status">The audio status (camelCase <see cref="AudioStatus"/> name: <c>available</c>, <c>silent</c>, <c>missing</c>).</param>
/// <param name="Rms">The RMS of the 16 kHz signal before normalisation (0 when there was no audio).</param>
internal sealed record PredictionAudioReport(string Status, float Rms);
