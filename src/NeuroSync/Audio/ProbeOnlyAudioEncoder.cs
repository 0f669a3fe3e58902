namespace NeuroSync.Audio;

/// <summary>The audio side of a model set without an audio model (the lite set): audio is only probed (RMS gate, voice
/// activity) for the modality mask and the silence override, never encoded; late fusion ignores these placeholder features.</summary>
/// <remarks>Thread-safe and stateless.</remarks>
internal sealed class ProbeOnlyAudioEncoder(int inputLength) : IAudioEncoder
{
    public int InputLength => inputLength;

    public int FeatureDimension => 1;

    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new FeatureMatrix(new float[1], 1, 1));

    public void Dispose()
    {
    }
}
