using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;
using NeuroSync.Onnx;

namespace NeuroSync.Audio;

/// <summary>The audio encoder (Wav2Vec2 by default) run by ONNX Runtime: <c>[1, samples]</c> in, <c>[1, T, D]</c> out.</summary>
/// <remarks>Thread-safe; owns its session and disposes it.</remarks>
internal sealed class OnnxAudioEncoder : IAudioEncoder, IOnnxBacked
{
    private readonly OnnxModel _model;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;

    /// <summary>Opens the audio encoder of a model set and checks it against the manifest.</summary>
    /// <param name="modelSet">The model set.</param>
    /// <param name="options">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The set has no audio encoder, or the file is not a loadable model or its tensors differ from the manifest.</exception>
    public OnnxAudioEncoder(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        string path = modelSet.Require(modelSet.AudioEncoderPath, "an audio encoder (audio.model)");
        OnnxModelManifest spec = modelSet.Manifest.Audio.Model!;
        _model = new OnnxModel(
            path,
            [new TensorSpec(spec.Input, spec.InputShape)],
            [new TensorSpec(spec.Output, spec.OutputShape)],
            OnnxRuntimeOptions.ValidatedCopy(options));
        _inputNames = [spec.Input];
        _outputNames = [spec.Output];
        InputLength = modelSet.Manifest.Audio.MaxSamples;
        FeatureDimension = (int)spec.OutputShape[^1];
        _inputShape = [1, InputLength];
    }

    /// <inheritdoc/>
    public int InputLength { get; }

    /// <inheritdoc/>
    public int FeatureDimension { get; }

    /// <summary>Gets the execution provider the session uses.</summary>
    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    public bool RunsOnAccelerator => ExecutionProvider != OnnxExecutionProvider.Cpu;

    /// <inheritdoc/>
    string? IOnnxBacked.ProviderFallbackReason => _model.ProviderFallbackReason;

    /// <inheritdoc/>
    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
    {
        if (waveform.Length != InputLength)
        {
            throw new ArgumentException($"Audio encoder input: expected {InputLength} samples, found {waveform.Length}.", nameof(waveform));
        }

        // ONNX Runtime only reads its inputs, so the read-only memory can back the tensor without a copy.
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(waveform), _inputShape);
        using var outputs = _model.Run(_inputNames, [input], _outputNames, cancellationToken);
        return ValueTask.FromResult(OnnxOutputs.ToFeatureMatrix(outputs[0], rank: 3, FeatureDimension, _model.Path));
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
