using NeuroSync.Audio;
using NeuroSync.Models;
using NeuroSync.Vision;

namespace NeuroSync.Composition;

/// <summary>The settings of each part, read from a model set's manifest. Here rather than in <c>Models/</c>, which
/// stays plain data that no part's folder depends back on. A setting the manifest leaves out keeps the part's option
/// default, so each default has one source: the options class (or <see cref="OriginalDefaults"/>).</summary>
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
    public static VideoPreprocessingOptions CreateVideoPreprocessingOptions(this ModelSet set)
    {
        VideoManifest video = set.Manifest.Video;
        var options = new VideoPreprocessingOptions
        {
            FrameStride = video.FrameStride,
            CropSize = video.CropSize,
            Mean = [.. video.Mean],
            Std = [.. video.Std],
            ChannelOrder = video.ChannelOrder == "rgb" ? ChannelOrder.Rgb : ChannelOrder.Bgr,
            EmptyVideoFrameCount = video.EmptyVideoFrameCount,
        };
        options.FaceCropScale = video.FaceCrop.Scale ?? options.FaceCropScale;
        options.SquareFaceCrop = video.FaceCrop.Square ?? options.SquareFaceCrop;
        options.FaceCropShiftY = video.FaceCrop.ShiftY ?? options.FaceCropShiftY;
        options.CloseUpWholeFrameFraction = video.FaceCrop.CloseUpWholeFrame ?? options.CloseUpWholeFrameFraction;
        return options;
    }

    /// <summary>Gets the face detector settings the model set was trained with.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static HaarDetectorOptions CreateHaarDetectorOptions(this ModelSet set)
    {
        FaceDetectorManifest detector = set.Manifest.Video.FaceDetector;
        var options = new HaarDetectorOptions();
        options.ScaleFactor = detector.ScaleFactor ?? options.ScaleFactor;
        options.MinNeighbors = detector.MinNeighbors ?? options.MinNeighbors;
        return options;
    }

    /// <summary>Gets the BlazeFace settings of a set whose detector is <c>blazeface</c>.</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static BlazeFaceDetectorOptions CreateBlazeFaceDetectorOptions(this ModelSet set)
    {
        FaceDetectorManifest detector = set.Manifest.Video.FaceDetector;
        var options = new BlazeFaceDetectorOptions();
        options.MinConfidence = detector.MinConfidence ?? options.MinConfidence;
        options.IouThreshold = detector.IouThreshold ?? options.IouThreshold;
        options.BoxScale = detector.BoxScale ?? options.BoxScale;
        options.CloseUpMargin = detector.CloseUpMargin ?? options.CloseUpMargin;
        options.CloseUpFaceFraction = detector.CloseUpFaceFraction ?? options.CloseUpFaceFraction;
        options.CloseUpMinFaceFraction = detector.CloseUpMinFaceFraction ?? options.CloseUpMinFaceFraction;
        options.TileZoom = detector.TileZoom ?? options.TileZoom;
        options.TileMaxSide = detector.TileMaxSide ?? options.TileMaxSide;
        options.TileCandidateConfidence = detector.TileCandidateConfidence ?? options.TileCandidateConfidence;
        options.RefineFaceFraction = detector.RefineFaceFraction ?? options.RefineFaceFraction;
        options.QuickSearchSize = detector.QuickSearchSize ?? options.QuickSearchSize;
        return options;
    }

    /// <summary>Gets the voice-activity settings of a set with a <c>silero</c> detector (Silero's defaults when it has none).</summary>
    /// <param name="set">The model set.</param>
    /// <returns>New options.</returns>
    public static SileroVoiceActivityOptions CreateVoiceActivityOptions(this ModelSet set)
    {
        var options = new SileroVoiceActivityOptions();
        if (set.Manifest.Audio.VoiceActivity is { } vad)
        {
            options.Threshold = vad.Threshold ?? options.Threshold;
            options.MinSpeechDuration = vad.MinSpeechMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : options.MinSpeechDuration;
        }

        return options;
    }
}
