using NeuroSync.Audio;
using NeuroSync.Fusion;
using NeuroSync.Models;
using NeuroSync.Onnx;
using NeuroSync.Vision;

namespace NeuroSync.Composition;

/// <summary>The parts a model set's manifest asks for, in one place for <see cref="EmotionRecognizer.Create"/>
/// and the DI registration. Each part owns its session; the caller disposes what it gets.</summary>
internal static class ModelSetParts
{
    public static IAudioEncoder AudioEncoder(ModelSet set, OnnxRuntimeOptions? options) =>
        set.AudioEncoderPath is not null ? new OnnxAudioEncoder(set, options)
        : set.AudioClassifierPath is not null ? new OnnxAudioClassifier(set, options)
        : new ProbeOnlyAudioEncoder(set.Manifest.Audio.MaxSamples);

    public static IVisualEncoder VisualEncoder(ModelSet set, OnnxRuntimeOptions? options) =>
        set.VisualClassifierPath is null ? new OnnxVisualEncoder(set, options) : new OnnxVisualClassifier(set, options);

    // The visual classifiers already map their outputs to the set's labels (OnnxVisualClassifier).
    public static IFusionEngine Fusion(ModelSet set, OnnxRuntimeOptions? options) => set.IsLateFusion
        ? new LateFusionEngine(set.Labels, set.Manifest.Audio.Classifier?.Labels, set.Labels, set.Manifest.Fusion.AudioWeight, set.Manifest.Fusion.VideoWeight)
        : new OnnxFusionEngine(set, options);

    public static IFaceDetector FaceDetector(ModelSet set, OnnxRuntimeOptions? options) => set.FaceDetectorPath is { } path
        ? new BlazeFaceDetector(path, set.CreateBlazeFaceDetectorOptions(), options)
        : new HaarFaceDetector(options: set.CreateHaarDetectorOptions());

    /// <summary>The set's own detector, or the built-in Silero VAD that robust mode needs for sets without one.</summary>
    public static SileroVoiceActivity VoiceActivity(ModelSet set, OnnxRuntimeOptions? options) => set.VoiceActivityPath is { } path
        ? new SileroVoiceActivity(path, set.CreateVoiceActivityOptions(), options)
        : SileroVoiceActivity.CreateBuiltIn(set.CreateVoiceActivityOptions(), options);
}
