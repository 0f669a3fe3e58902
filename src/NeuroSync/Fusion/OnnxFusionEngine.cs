using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;
using NeuroSync.Onnx;

namespace NeuroSync.Fusion;

/// <summary>The original system's trained cross-attention head run by ONNX Runtime:
/// <c>[1, T, D_audio]</c> and <c>[1, F, D_video]</c> in, <c>[1, labels]</c> logits out.</summary>
/// <remarks>Thread-safe; owns its session and disposes it. Ignores the mask: the head was trained on zero inputs for
/// missing modalities, which the recognizer supplies.</remarks>
internal sealed class OnnxFusionEngine : IFusionEngine, IOnnxBacked
{
    private readonly OnnxModel _model;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _audioDimension;
    private readonly int _videoDimension;

    /// <summary>Opens the fusion model of a model set and checks it against the manifest.</summary>
    /// <param name="modelSet">The model set.</param>
    /// <param name="options">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The set has no fusion head, or the file is not a loadable model or its tensors differ from the manifest.</exception>
    public OnnxFusionEngine(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        string path = modelSet.Require(modelSet.FusionPath, "a cross-attention fusion head (fusion.file)");
        FusionManifest spec = modelSet.Manifest.Fusion;
        _audioDimension = (int)modelSet.Manifest.Audio.Model!.OutputShape[^1];
        _videoDimension = (int)modelSet.Manifest.Video.Model!.OutputShape[^1];
        Labels = modelSet.Labels;
        _model = new OnnxModel(
            path,
            [new TensorSpec(spec.AudioInput!, [1, -1, _audioDimension]), new TensorSpec(spec.VideoInput!, [1, -1, _videoDimension])],
            [new TensorSpec(spec.Output!, [1, Labels.Count])],
            OnnxRuntimeOptions.ValidatedCopy(options));
        _inputNames = [spec.AudioInput!, spec.VideoInput!];
        _outputNames = [spec.Output!];
    }

    /// <inheritdoc/>
    public EmotionLabelSet Labels { get; }

    /// <inheritdoc/>
    public ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(video);
        if (audio.Columns != _audioDimension || video.Columns != _videoDimension)
        {
            throw new ArgumentException($"Fusion inputs: expected audio [T, {_audioDimension}] and video [F, {_videoDimension}], found [{audio.Rows}, {audio.Columns}] and [{video.Rows}, {video.Columns}].");
        }

        using var audioValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(audio.Memory), [1, audio.Rows, audio.Columns]);
        using var videoValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(video.Memory), [1, video.Rows, video.Columns]);
        using var outputs = _model.Run(_inputNames, [audioValue, videoValue], _outputNames, cancellationToken);
        ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
        if (logits.Length != Labels.Count)
        {
            throw new ModelMismatchException($"Model '{Path.GetFileName(_model.Path)}' output: expected {Labels.Count} logits, found {logits.Length}.");
        }

        return ValueTask.FromResult(logits.ToArray());
    }

    /// <inheritdoc/>
    OnnxExecutionProvider IOnnxBacked.ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    string? IOnnxBacked.ProviderFallbackReason => _model.ProviderFallbackReason;

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
