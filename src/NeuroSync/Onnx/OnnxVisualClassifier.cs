using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;

namespace NeuroSync.Onnx;

/// <summary>
/// A per-frame expression classifier (the lite set's FER-2013 mini-Xception) run by ONNX Runtime as an
/// <see cref="IVisualEncoder"/> whose "features" are class probabilities: RGB crops in [0, 1], <c>[F, 3, size, size]</c>,
/// become grayscale with the manifest's weights, are normalised with its mean and std, and go through the network as
/// <c>[F, size, size, 1]</c>; the output is <c>[F, labels]</c> in the classifier's own label order (<see cref="Labels"/>),
/// which late fusion maps to the set's labels by name.
/// </summary>
/// <remarks>Thread-safe; owns its session and disposes it. The grayscale input lives in a pooled per-call buffer.</remarks>
public sealed class OnnxVisualClassifier : IVisualEncoder, IOnnxBacked
{
    private readonly OnnxModel _model;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly float _red, _green, _blue, _mean, _scale;

    /// <summary>Opens the visual classifier of a late-fusion model set and checks it against the manifest.</summary>
    /// <param name="modelSet">The model set.</param>
    /// <param name="options">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The set has no classifier, or the file is not a loadable model whose tensors
    /// match the manifest.</exception>
    public OnnxVisualClassifier(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        string path = modelSet.Require(modelSet.VisualClassifierPath, "a visual classifier (video.classifier)");
        VisualClassifierManifest spec = modelSet.Manifest.Video.Classifier!;
        CropSize = modelSet.Manifest.Video.CropSize;
        Labels = new EmotionLabelSet(spec.Labels);
        _model = new OnnxModel(
            path,
            [new TensorSpec(spec.Input, [-1, CropSize, CropSize, 1])],
            [new TensorSpec(spec.Output, [-1, Labels.Count])],
            OnnxRuntimeOptions.ValidatedCopy(options));
        _inputNames = [spec.Input];
        _outputNames = [spec.Output];
        (_red, _green, _blue) = (spec.GrayscaleWeights[0], spec.GrayscaleWeights[1], spec.GrayscaleWeights[2]);
        (_mean, _scale) = (spec.Mean, 1f / spec.Std);
    }

    /// <inheritdoc/>
    public int CropSize { get; }

    /// <inheritdoc/>
    /// <remarks>The number of classes.</remarks>
    public int FeatureDimension => Labels.Count;

    /// <summary>Gets the classifier's labels, in its output order.</summary>
    public EmotionLabelSet Labels { get; }

    /// <summary>Gets the execution provider the session uses.</summary>
    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    string? IOnnxBacked.ProviderFallbackReason => _model.ProviderFallbackReason;

    /// <inheritdoc/>
    /// <remarks>Returns one row of class probabilities per frame.</remarks>
    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        int plane = CropSize * CropSize;
        long expected = (long)frameCount * 3 * plane;
        if (frames.Length != expected)
        {
            throw new ArgumentException($"Visual classifier input: expected {frameCount} x 3 x {CropSize} x {CropSize} = {expected} floats, found {frames.Length}.", nameof(frames));
        }

        using var gray = new PooledBuffer<float>(frameCount * plane);
        ReadOnlySpan<float> rgb = frames.Span;
        Span<float> target = gray.Span;
        for (int f = 0; f < frameCount; f++)
        {
            ReadOnlySpan<float> r = rgb.Slice(f * 3 * plane, plane), g = rgb.Slice(((f * 3) + 1) * plane, plane), b = rgb.Slice(((f * 3) + 2) * plane, plane);
            Span<float> dst = target.Slice(f * plane, plane);
            TensorPrimitives.Multiply(r, _red, dst);
            TensorPrimitives.MultiplyAdd(g, _green, dst, dst);
            TensorPrimitives.MultiplyAdd(b, _blue, dst, dst);
            TensorPrimitives.Subtract(dst, _mean, dst);
            TensorPrimitives.Multiply(dst, _scale, dst);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, gray.Memory, [frameCount, CropSize, CropSize, 1]);
        using var outputs = _model.Run(_inputNames, [input], _outputNames, cancellationToken);
        FeatureMatrix probabilities = OnnxOutputs.ToFeatureMatrix(outputs[0], rank: 2, Labels.Count, _model.Path);
        if (probabilities.Rows != frameCount)
        {
            probabilities.Dispose();
            throw new ModelMismatchException($"Model '{Path.GetFileName(_model.Path)}' output: expected {frameCount} rows (one per frame), found {probabilities.Rows}.");
        }

        return ValueTask.FromResult(probabilities);
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
