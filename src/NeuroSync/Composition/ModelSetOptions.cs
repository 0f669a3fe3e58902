using NeuroSync.Audio;
using NeuroSync.Models;
using NeuroSync.Vision;

namespace NeuroSync.Composition;

/// <summary>The settings of each part, read from a model set's manifest. Here rather than in <c>Models/</c>, which
/// stays plain data that no part's folder depends back on.</summary>
internal static class ModelSetOptions
{
    /// <summary>Gets the audio preprocessing the audio encoder expects.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static AudioPreprocessingOptions CreateAudioPreprocessingOptions(this ModelSet set) => new()
    {
        TargetSampleRate = set.Manifest.Audio.SampleRate,
        MaxSamples = set.Manifest.Audio.MaxSamples,
        Normalize = set.Manifest.Audio.Normalize,
        NormalizationEpsilon = set.Manifest.Audio.NormalizationEpsilon,
        SilenceRmsThreshold = set.Manifest.Audio.SilenceRmsThreshold,
        SilenceFloorRms = set.Manifest.Audio.SilenceFloorRms,
        VoiceActivityAfterRmsGate = set.Manifest.Audio.VoiceActivity is not null,
    };

    /// <summary>Gets the video preprocessing the visual encoder expects.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static VideoPreprocessingOptions CreateVideoPreprocessingOptions(this ModelSet set) => new()
    {
        FrameStride = set.Manifest.Video.FrameStride,
        CropSize = set.Manifest.Video.CropSize,
        Mean = [.. set.Manifest.Video.Mean],
        Std = [.. set.Manifest.Video.Std],
        ChannelOrder = set.Manifest.Video.ChannelOrder == "rgb" ? ChannelOrder.Rgb : ChannelOrder.Bgr,
        EmptyVideoFrameCount = set.Manifest.Video.EmptyVideoFrameCount,
        FaceCropScale = set.Manifest.Video.FaceCrop.Scale,
        SquareFaceCrop = set.Manifest.Video.FaceCrop.Square,
        FaceCropShiftY = set.Manifest.Video.FaceCrop.ShiftY,
        CloseUpWholeFrameFraction = set.Manifest.Video.FaceCrop.CloseUpWholeFrame,
    };

    /// <summary>Gets the face detector settings the model set was trained with.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static HaarDetectorOptions CreateHaarDetectorOptions(this ModelSet set) => new()
    {
        ScaleFactor = set.Manifest.Video.FaceDetector.ScaleFactor,
        MinNeighbors = set.Manifest.Video.FaceDetector.MinNeighbors,
    };

    /// <summary>Gets the BlazeFace settings of a set whose detector is <c>blazeface</c>.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static BlazeFaceDetectorOptions CreateBlazeFaceDetectorOptions(this ModelSet set) => new()
    {
        MinConfidence = set.Manifest.Video.FaceDetector.MinConfidence,
        IouThreshold = set.Manifest.Video.FaceDetector.IouThreshold,
        BoxScale = set.Manifest.Video.FaceDetector.BoxScale,
        CloseUpMargin = set.Manifest.Video.FaceDetector.CloseUpMargin,
        CloseUpFaceFraction = set.Manifest.Video.FaceDetector.CloseUpFaceFraction,
        CloseUpMinFaceFraction = set.Manifest.Video.FaceDetector.CloseUpMinFaceFraction,
        TileZoom = set.Manifest.Video.FaceDetector.TileZoom,
    };

    /// <summary>Gets the voice-activity settings of a set with a <c>silero</c> detector (Silero's defaults when it has none).</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static SileroVoiceActivityOptions CreateVoiceActivityOptions(this ModelSet set) => set.Manifest.Audio.VoiceActivity is { } vad
        ? new() { Threshold = vad.Threshold, MinSpeechDuration = TimeSpan.FromMilliseconds(vad.MinSpeechMilliseconds) }
        : new();
}
