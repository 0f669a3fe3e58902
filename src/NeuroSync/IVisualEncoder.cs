namespace NeuroSync;

/// <summary>Turns preprocessed face crops into one feature vector per frame (EfficientNet-B0 by default).</summary>
/// <remarks>Implementations are thread-safe and own their native resources.</remarks>
public interface IVisualEncoder : IDisposable
{
    /// <summary>Gets the side of the square crop each frame must have (224 by default).</summary>
    int CropSize { get; }

    /// <summary>Gets the length of each output feature vector (1280 for EfficientNet-B0).</summary>
    int FeatureDimension { get; }

    /// <summary>Gets a value indicating whether the encoder runs on other hardware than the CPU, such as a GPU:
    /// <see cref="ModalityScheduling.Automatic"/> overlaps the audio and video paths when either encoder does, so the CPU's
    /// front-end work runs while the accelerator computes. Default <see langword="false"/>.</summary>
    bool RunsOnAccelerator => false;

    /// <summary>Encodes a batch of frames in one inference.</summary>
    /// <param name="frames">Normalised crops, <c>[frameCount, 3, CropSize, CropSize]</c>, row-major.</param>
    /// <param name="frameCount">The number of frames in <paramref name="frames"/>.</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    /// <returns>A <c>[frameCount, FeatureDimension]</c> matrix the caller disposes.</returns>
    ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default);
}
