using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;
using NeuroSync.Onnx;

namespace NeuroSync.Audio;

/// <summary>
/// A user's speech-emotion model (the manifest's <c>audio.classifier</c>) run by ONNX Runtime as an <see cref="IAudioEncoder"/>
/// whose "features" are class probabilities: the preprocessed window <c>[1, maxSamples]</c> in, <c>[1, labels]</c> logits or
/// probabilities out, in the classifier's own label order, which late fusion maps to the set's labels by name.
/// </summary>
/// <remarks>Thread-safe; owns its session and disposes it.</remarks>
internal sealed class OnnxAudioClassifier : IAudioEncoder, IOnnxBacked
{
    private readonly OnnxModel _model;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly bool _outputIsLogits;

    public OnnxAudioClassifier(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        string path = modelSet.Require(modelSet.AudioClassifierPath, "an audio classifier (audio.classifier)");
        AudioClassifierManifest spec = modelSet.Manifest.Audio.Classifier!;
        InputLength = modelSet.Manifest.Audio.MaxSamples;
        Labels = new EmotionLabelSet(spec.Labels);
        _model = new OnnxModel(
            path,
            [new TensorSpec(spec.Input, [1, InputLength])],
            [new TensorSpec(spec.Output, [1, Labels.Count])],
            OnnxRuntimeOptions.ValidatedCopy(options));
        _inputNames = [spec.Input];
        _outputNames = [spec.Output];
        _inputShape = [1, InputLength];
        _outputIsLogits = spec.OutputKind == "logits";
    }

    public int InputLength { get; }

    /// <remarks>The number of classes.</remarks>
    public int FeatureDimension => Labels.Count;

    public EmotionLabelSet Labels { get; }

    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    string? IOnnxBacked.ProviderFallbackReason => _model.ProviderFallbackReason;

    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
    {
        if (waveform.Length != InputLength)
        {
            throw new ArgumentException($"Audio classifier input: expected {InputLength} samples, found {waveform.Length}.", nameof(waveform));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(waveform), _inputShape);
        using var outputs = _model.Run(_inputNames, [input], _outputNames, cancellationToken);
        ReadOnlySpan<float> scores = outputs[0].GetTensorDataAsSpan<float>();
        if (scores.Length != Labels.Count || !TensorPrimitives.IsFiniteAll(scores))
        {
            throw new ModelMismatchException($"Model '{Path.GetFileName(_model.Path)}' output: expected {Labels.Count} finite scores, found {scores.Length} values [{string.Join(", ", scores.ToArray())}].");
        }

        var probabilities = new PooledBuffer<float>(Labels.Count);
        if (_outputIsLogits)
        {
            TensorPrimitives.SoftMax(scores, probabilities.Span);
        }
        else
        {
            scores.CopyTo(probabilities.Span);
        }

        return ValueTask.FromResult(new FeatureMatrix(probabilities, 1, Labels.Count));
    }

    public void Dispose() => _model.Dispose();
}
