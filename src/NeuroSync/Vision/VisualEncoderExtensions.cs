namespace NeuroSync.Vision;

/// <summary>Encoding the crops of the video front-end.</summary>
internal static class VisualEncoderExtensions
{
    /// <summary>Encodes crops, telling a model set's own classifiers which were cropped around a face (where each sees its
    /// own region); any other encoder gets the crops alone, as <see cref="IVisualEncoder"/> defines.</summary>
    public static ValueTask<FeatureMatrix> EncodeCropsAsync(this IVisualEncoder encoder, ReadOnlyMemory<float> frames, int frameCount, ReadOnlyMemory<bool> croppedAroundFace, CancellationToken cancellationToken) =>
        encoder is OnnxVisualClassifier classifier
            ? classifier.EncodeAsync(frames, frameCount, croppedAroundFace, cancellationToken)
            : encoder.EncodeAsync(frames, frameCount, cancellationToken);
}
