namespace NeuroSync.Cli.Output;

/// <summary>What <c>preprocess-audio</c> prints: the 16 kHz mono signal the audio encoder hears, before normalisation.</summary>
/// <param name="SampleRate">The sample rate of the signal (16 000 Hz).</param>
/// <param name="Samples">The valid samples after resampling and truncation to 7 s (the rest of the input tensor is padding).</param>
/// <param name="Rms">The root mean square of those samples, before normalisation.</param>
/// <param name="Silent">Whether the RMS is below the silence gate, in which case the encoder hears zeros.</param>
internal sealed record AudioReport(int SampleRate, int Samples, float Rms, bool Silent);
