namespace NeuroSync;

/// <summary>Turns a preprocessed waveform into a sequence of audio feature vectors (Wav2Vec2 by default).</summary>
/// <remarks>Implementations are thread-safe and own their native resources.</remarks>
public interface IAudioEncoder : IDisposable
{
    /// <summary>Gets the exact number of samples <see cref="EncodeAsync"/> expects (112 000 for 7 s at 16 kHz by default).</summary>
    int InputLength { get; }

    /// <summary>Gets the length of each output feature vector (1024 for Wav2Vec2-large).</summary>
    int FeatureDimension { get; }

    /// <summary>Gets a value indicating whether the encoder runs on other hardware than the CPU, such as a GPU:
    /// <see cref="ModalityScheduling.Automatic"/> overlaps the audio and video paths when either encoder does, so the CPU's
    /// front-end work runs while the accelerator computes. Default <see langword="false"/>.</summary>
    bool RunsOnAccelerator => false;

    /// <summary>Encodes one waveform.</summary>
    /// <param name="waveform">Exactly <see cref="InputLength"/> normalised samples at the encoder's sample rate.</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    /// <returns>A <c>[T, FeatureDimension]</c> matrix the caller disposes.</returns>
    ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default);
}
