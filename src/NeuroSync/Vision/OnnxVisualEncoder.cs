using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;
using NeuroSync.Onnx;

namespace NeuroSync.Vision;

/// <summary>The visual encoder (EfficientNet-B0 by default) run by ONNX Runtime: all frames of a clip in one batch,
/// <c>[F, 3, size, size]</c> in, <c>[F, D]</c> out.</summary>
/// <remarks>Thread-safe; owns its session and disposes it.</remarks>
internal sealed class OnnxVisualEncoder : IVisualEncoder, IOnnxBacked
{
    private readonly OnnxModel _model;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <summary>Opens the visual encoder of a model set and checks it against the manifest.</summary>
    /// <param name="modelSet">The model set.</param>
    /// <param name="options">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The set has no visual encoder, or the file is not a loadable model or its tensors differ from the manifest.</exception>
    public OnnxVisualEncoder(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        string path = modelSet.Require(modelSet.VisualEncoderPath, "a visual encoder (video.model)");
        OnnxModelManifest spec = modelSet.Manifest.Video.Model!;
        _model = new OnnxModel(
            path,
            [new TensorSpec(spec.Input, [-1, .. spec.InputShape.Skip(1)])],
            [new TensorSpec(spec.Output, [-1, spec.OutputShape[^1]])],
            OnnxRuntimeOptions.ValidatedCopy(options));
        _inputNames = [spec.Input];
        _outputNames = [spec.Output];
        CropSize = modelSet.Manifest.Video.CropSize;
        FeatureDimension = (int)spec.OutputShape[^1];
    }

    /// <inheritdoc/>
    public int CropSize { get; }

    /// <inheritdoc/>
    public int FeatureDimension { get; }

    /// <summary>Gets the execution provider the session uses.</summary>
    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    public bool RunsOnAccelerator => ExecutionProvider != OnnxExecutionProvider.Cpu;

    /// <inheritdoc/>
    string? IOnnxBacked.ProviderFallbackReason => _model.ProviderFallbackReason;

    /// <inheritdoc/>
    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        long expected = (long)frameCount * 3 * CropSize * CropSize;
        if (frames.Length != expected)
        {
            throw new ArgumentException($"Visual encoder input: expected {frameCount} x 3 x {CropSize} x {CropSize} = {expected} floats, found {frames.Length}.", nameof(frames));
        }

        long[] shape = [frameCount, 3, CropSize, CropSize];
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(frames), shape);
        using var outputs = _model.Run(_inputNames, [input], _outputNames, cancellationToken);
        FeatureMatrix features = OnnxOutputs.ToFeatureMatrix(outputs[0], rank: 2, FeatureDimension, _model.Path);
        if (features.Rows != frameCount)
        {
            features.Dispose();
            throw new ModelMismatchException($"Model '{Path.GetFileName(_model.Path)}' output: expected {frameCount} rows (one per frame), found {features.Rows}.");
        }

        return ValueTask.FromResult(features);
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
