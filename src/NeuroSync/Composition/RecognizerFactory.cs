using NeuroSync.Audio;
using NeuroSync.Models;
using NeuroSync.Onnx;
using NeuroSync.Vision;

namespace NeuroSync.Composition;

/// <summary>The one place a model set becomes a recognizer: <see cref="EmotionRecognizer.Create"/> calls
/// <see cref="Create"/>, and <c>AddNeuroSync</c> registers each part through the same methods, so the two cannot drift.</summary>
internal static class RecognizerFactory
{
    /// <summary>The recognizer's settings as the manifest gives them.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static EmotionRecognizerOptions RecognizerOptions(ModelSet set) => new()
    {
        SilenceOverrideLabels = set.Manifest.Postprocessing.SilenceOverrideLabels,
        SilenceOverrideLabel = set.Manifest.Postprocessing.SilenceOverrideLabel,
        ModelSetName = set.Manifest.Name,
        Mode = set.Mode,
    };

    /// <summary>The audio front-end: the manifest's settings, changed by <paramref name="adjust"/>.</summary>
    /// <param name="set">The model set.</param>
    /// <param name="voiceActivity">The voice-activity detector.</param>
    /// <param name="adjust">Changes the settings (DI's configuration overrides); none when <see langword="null"/>.</param>
    /// <returns>The front-end.</returns>
    public static AudioPreprocessor AudioPreprocessor(ModelSet set, IVoiceActivityDetector voiceActivity, Action<AudioPreprocessingOptions>? adjust = null)
    {
        AudioPreprocessingOptions options = set.CreateAudioPreprocessingOptions();
        adjust?.Invoke(options);
        return new AudioPreprocessor(options, voiceActivity);
    }

    /// <summary>The video front-end: the manifest's settings, changed by <paramref name="adjust"/>.</summary>
    /// <param name="set">The model set.</param>
    /// <param name="detector">The face detector.</param>
    /// <param name="adjust">Changes the settings (DI's configuration overrides); none when <see langword="null"/>.</param>
    /// <returns>The front-end.</returns>
    public static VideoPreprocessor VideoPreprocessor(ModelSet set, IFaceDetector detector, Action<VideoPreprocessingOptions>? adjust = null)
    {
        VideoPreprocessingOptions options = set.CreateVideoPreprocessingOptions();
        adjust?.Invoke(options);
        return new VideoPreprocessor(detector, options);
    }

    /// <summary>A recognizer that owns every part the model set names.</summary>
    /// <param name="set">The model set.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <param name="configure">Changes the recognizer's settings before any model loads.</param>
    /// <returns>The recognizer.</returns>
    public static EmotionRecognizer Create(ModelSet set, OnnxRuntimeOptions? onnxOptions, Action<EmotionRecognizerOptions>? configure)
    {
        EmotionRecognizerOptions options = RecognizerOptions(set);
        configure?.Invoke(options);
        EmotionRecognizer.ValidateScheduling(options, nameof(configure));
        var disposables = new List<IDisposable>();
        try
        {
            IAudioEncoder audio = Track(ModelSetParts.AudioEncoder(set, onnxOptions), disposables);
            IVisualEncoder video = Track(ModelSetParts.VisualEncoder(set, onnxOptions), disposables);
            IFusionEngine fusion = Track(ModelSetParts.Fusion(set, onnxOptions), disposables);
            IFaceDetector detector = ModelSetParts.FaceDetector(set, onnxOptions);
            if (detector is IDisposable ownedDetector)
            {
                disposables.Add(ownedDetector);
            }

            IVoiceActivityDetector voiceActivity = Track(ModelSetParts.VoiceActivity(set, onnxOptions), disposables);
            return new EmotionRecognizer(
                audio,
                video,
                fusion,
                AudioPreprocessor(set, voiceActivity),
                VideoPreprocessor(set, detector),
                options,
                set,
                disposables);
        }
        catch
        {
            disposables.ForEach(d => d.Dispose());
            throw;
        }
    }

    private static T Track<T>(T disposable, List<IDisposable> list)
        where T : IDisposable
    {
        list.Add(disposable);
        return disposable;
    }
}
