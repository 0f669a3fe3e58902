using System.Text.Json.Serialization;

namespace NeuroSync.Models;

/// <summary>
/// The contents of a model set's <c>neurosync.json</c>: everything the pipeline needs to know about its models (files,
/// tensor names and shapes) and about the preprocessing they were trained with. Two shapes exist: encoders plus a
/// trained cross-attention head (the original system), or per-modality classifiers with late fusion (the lite set).
/// See <c>docs/models.md</c>.
/// </summary>
/// <remarks>
/// Read-only once loaded. Properties with a default have internal setters rather than <c>init</c>: the source-generated
/// JSON reader assigns every <c>init</c> property, so a field left out of the file would get zero or null instead of
/// its documented default.
/// </remarks>
internal sealed class ModelManifest
{
    /// <summary>The name of the manifest file inside a model folder.</summary>
    public const string FileName = "neurosync.json";

    /// <summary>Gets the model set's name, used in logs and telemetry.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the class labels in the fusion output's order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets the audio models and their preprocessing.</summary>
    public required AudioManifest Audio { get; init; }

    /// <summary>Gets the visual models and their preprocessing.</summary>
    public required VideoManifest Video { get; init; }

    /// <summary>Gets how the modalities are fused.</summary>
    public required FusionManifest Fusion { get; init; }

    /// <summary>Gets the recognition mode a recognizer built from this set starts in: <c>robust</c> (the default) or
    /// <c>original</c> (the original system bit for bit). Callers may still choose either.</summary>
    [JsonInclude]
    public string Mode { get; internal set; } = "robust";

    /// <summary>Gets the post-processing rules; the original system's when absent.</summary>
    [JsonInclude]
    public PostprocessingManifest Postprocessing { get; internal set; } = new();
}

/// <summary>One ONNX model file with a single input and a single output.</summary>
internal sealed class OnnxModelManifest
{
    /// <summary>Gets the file name, relative to the model folder.</summary>
    public required string File { get; init; }

    /// <summary>Gets the name of the model's input tensor.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the name of the model's output tensor.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the input shape; -1 marks a dimension that varies between calls.</summary>
    public required IReadOnlyList<long> InputShape { get; init; }

    /// <summary>Gets the output shape; -1 marks a dimension that varies between calls.</summary>
    public required IReadOnlyList<long> OutputShape { get; init; }
}

/// <summary>The audio encoder, the voice-activity detector and the preprocessing their input needs.</summary>
internal sealed class AudioManifest
{
    /// <summary>Gets the encoder model: input <c>[1, MaxSamples]</c>, output <c>[1, T, D]</c>. Required by cross-attention
    /// fusion; absent in a late-fusion set without an audio classifier, whose audio is only probed for speech.</summary>
    public OnnxModelManifest? Model { get; init; }

    /// <summary>Gets the speech-emotion classifier of a late-fusion set (a user's own ONNX model, for example one exported from
    /// a fine-tuned Wav2Vec2); when absent the audio only decides availability and the silence override.</summary>
    public AudioClassifierManifest? Classifier { get; init; }

    /// <summary>Gets the voice-activity detector that decides whether audio above the RMS gate holds speech; none when absent
    /// (the original system's behaviour).</summary>
    public VoiceActivityManifest? VoiceActivity { get; init; }

    /// <summary>Gets the encoder's sample rate in hertz. Default 16000.</summary>
    [JsonInclude]
    public int SampleRate { get; internal set; } = OriginalDefaults.SampleRate;

    /// <summary>Gets the encoder input length in samples. Default 112000 (7 s).</summary>
    [JsonInclude]
    public int MaxSamples { get; internal set; } = OriginalDefaults.MaxSamples;

    /// <summary>Gets a value indicating whether Wav2Vec2 zero-mean unit-variance normalisation applies. Default true.</summary>
    [JsonInclude]
    public bool Normalize { get; internal set; } = true;

    /// <summary>Gets the epsilon under the square root of the normalisation. Default 1e-7.</summary>
    [JsonInclude]
    public double NormalizationEpsilon { get; internal set; } = OriginalDefaults.NormalizationEpsilon;

    /// <summary>Gets the RMS below which audio counts as silent. Default 0.015.</summary>
    [JsonInclude]
    public float SilenceRmsThreshold { get; internal set; } = OriginalDefaults.SilenceRmsThreshold;

    /// <summary>Gets the RMS below which robust mode calls audio silent without asking the voice-activity detector. Default 1e-4.</summary>
    [JsonInclude]
    public float SilenceFloorRms { get; internal set; } = OriginalDefaults.SilenceFloorRms;
}

/// <summary>The visual encoder or classifier and the preprocessing its input needs.</summary>
internal sealed class VideoManifest
{
    /// <summary>Gets the encoder model: input <c>[F, 3, CropSize, CropSize]</c>, output <c>[F, D]</c>. Required by
    /// cross-attention fusion; a late-fusion set has <see cref="Classifier"/> instead.</summary>
    public OnnxModelManifest? Model { get; init; }

    /// <summary>Gets the per-frame expression classifier of a late-fusion set (or use <see cref="Classifiers"/>).</summary>
    public VisualClassifierManifest? Classifier { get; init; }

    /// <summary>Gets the per-frame expression classifiers of a late-fusion set whose face path is an ensemble: each sees its
    /// own region of the crop at its own input size, and their probabilities are averaged with their weights.</summary>
    public IReadOnlyList<VisualClassifierManifest>? Classifiers { get; init; }

    /// <summary>Gets <see cref="Classifiers"/>, or <see cref="Classifier"/> as a list of one, or none.</summary>
    internal IReadOnlyList<VisualClassifierManifest> AllClassifiers => Classifiers ?? (Classifier is null ? [] : [Classifier]);

    /// <summary>Gets the crop side in pixels. Default 224.</summary>
    [JsonInclude]
    public int CropSize { get; internal set; } = OriginalDefaults.CropSize;

    /// <summary>Gets the per-plane mean, in tensor plane order. Default ImageNet's.</summary>
    [JsonInclude]
    public IReadOnlyList<float> Mean { get; internal set; } = OriginalDefaults.Mean;

    /// <summary>Gets the per-plane standard deviation, in tensor plane order. Default ImageNet's.</summary>
    [JsonInclude]
    public IReadOnlyList<float> Std { get; internal set; } = OriginalDefaults.Std;

    /// <summary>Gets the plane order, <c>bgr</c> or <c>rgb</c>. Default <c>bgr</c>, as the original system.</summary>
    [JsonInclude]
    public string ChannelOrder { get; internal set; } = "bgr";

    /// <summary>Gets the frame sampling stride. Default 10.</summary>
    [JsonInclude]
    public int FrameStride { get; internal set; } = OriginalDefaults.FrameStride;

    /// <summary>Gets how many zero frames stand for a clip without frames. Default 10.</summary>
    [JsonInclude]
    public int EmptyVideoFrameCount { get; internal set; } = OriginalDefaults.EmptyVideoFrameCount;

    /// <summary>Gets the face detector settings; the original's Haar cascade when absent.</summary>
    [JsonInclude]
    public FaceDetectorManifest FaceDetector { get; internal set; } = new();

    /// <summary>Gets the region around a detected face that robust mode crops; the detector's box when absent.</summary>
    [JsonInclude]
    public FaceCropManifest FaceCrop { get; internal set; } = new();
}

/// <summary>The region around a detected face that the visual model sees in robust mode, chosen per model set by
/// measurement (docs/models.md): the detector's box scaled about its centre, optionally made square and moved down.</summary>
internal sealed class FaceCropManifest
{
    /// <summary>Gets how much the box is enlarged about its centre. Absent: the default of <c>VideoPreprocessingOptions.FaceCropScale</c>.</summary>
    public float? Scale { get; init; }

    /// <summary>Gets a value indicating whether the crop is made square (its longer side). Absent: the default of <c>VideoPreprocessingOptions.SquareFaceCrop</c>.</summary>
    public bool? Square { get; init; }

    /// <summary>Gets how far the crop's centre moves down, as a fraction of the box height. Absent: the default of <c>VideoPreprocessingOptions.FaceCropShiftY</c>.</summary>
    public float? ShiftY { get; init; }

    /// <summary>Gets the crop size, as a fraction of the frame's shorter side, from which on the crop is the largest square
    /// the frame holds around the face, in a square frame only (a face crop). Absent: the default of <c>VideoPreprocessingOptions.CloseUpWholeFrameFraction</c>.</summary>
    public float? CloseUpWholeFrame { get; init; }
}

/// <summary>The face detector a model set was trained with.</summary>
internal sealed class FaceDetectorManifest
{
    /// <summary>Gets the detector type: <c>haar</c> (OpenCV's frontal-face cascade, built in) or <c>blazeface</c> (an ONNX
    /// BlazeFace model, <see cref="File"/>).</summary>
    [JsonInclude]
    public string Type { get; internal set; } = "haar";

    /// <summary>Gets the model file of a <c>blazeface</c> detector, relative to the model folder.</summary>
    public string? File { get; init; }

    /// <summary>Gets the BlazeFace score a face must exceed. Absent: the default of <c>BlazeFaceDetectorOptions.MinConfidence</c>.</summary>
    public float? MinConfidence { get; init; }

    /// <summary>Gets the BlazeFace non-max suppression overlap. Absent: the default of <c>BlazeFaceDetectorOptions.IouThreshold</c>.</summary>
    public float? IouThreshold { get; init; }

    /// <summary>Gets how much each BlazeFace box is enlarged about its centre. Absent: the default of <c>BlazeFaceDetectorOptions.BoxScale</c>.</summary>
    public float? BoxScale { get; init; }

    /// <summary>Gets the BlazeFace close-up margin: when a frame shows no face, or a face wider than
    /// <see cref="CloseUpFaceFraction"/> of it, it is searched again on a square widened by this fraction of its longer side
    /// on every side. Absent: the default of <c>BlazeFaceDetectorOptions.CloseUpMargin</c>.</summary>
    public float? CloseUpMargin { get; init; }

    /// <summary>Gets the face size, as a fraction of the frame's shorter side, above which BlazeFace searches again as for a
    /// close-up. Absent: the default of <c>BlazeFaceDetectorOptions.CloseUpFaceFraction</c>.</summary>
    public float? CloseUpFaceFraction { get; init; }

    /// <summary>Gets the smallest face, as a fraction of the frame's shorter side, that the close-up search may report. Absent: the default of <c>BlazeFaceDetectorOptions.CloseUpMinFaceFraction</c>.</summary>
    public float? CloseUpMinFaceFraction { get; init; }

    /// <summary>Gets the zoom of BlazeFace's tile search, made when no other search finds a face. Absent: the default of <c>BlazeFaceDetectorOptions.TileZoom</c>.</summary>
    public float? TileZoom { get; init; }

    /// <summary>Gets the largest side of BlazeFace's tiles, in pixels. Absent: the default of <c>BlazeFaceDetectorOptions.TileMaxSide</c>.</summary>
    public int? TileMaxSide { get; init; }

    /// <summary>Gets the lower score at which a face the tiles find is searched again, when none of theirs reaches the detector's score. Absent: the default of <c>BlazeFaceDetectorOptions.TileCandidateConfidence</c>.</summary>
    public float? TileCandidateConfidence { get; init; }

    /// <summary>Gets the face size, as a fraction of the frame's longer side, under which BlazeFace searches again around the
    /// face for a finer box. Absent: the default of <c>BlazeFaceDetectorOptions.RefineFaceFraction</c>.</summary>
    public float? RefineFaceFraction { get; init; }

    /// <summary>Gets the input side of BlazeFace's quick first search (a model with a free input size). Absent: the default of <c>BlazeFaceDetectorOptions.QuickSearchSize</c>.</summary>
    public int? QuickSearchSize { get; init; }

    /// <summary>Gets the Haar scale factor. Absent: the default of <c>HaarDetectorOptions.ScaleFactor</c>.</summary>
    public double? ScaleFactor { get; init; }

    /// <summary>Gets the Haar minimum neighbours. Absent: the default of <c>HaarDetectorOptions.MinNeighbors</c>.</summary>
    public int? MinNeighbors { get; init; }
}

/// <summary>How the modalities are fused: a trained ONNX head, or a weighted average of per-modality probabilities.</summary>
internal sealed class FusionManifest
{
    /// <summary>Gets the fusion type: <c>cross-attention</c> (an ONNX head over encoder features) or <c>late</c> (weighted
    /// per-modality classifier probabilities).</summary>
    [JsonInclude]
    public string Type { get; internal set; } = "cross-attention";

    /// <summary>Gets the cross-attention head's file name, relative to the model folder.</summary>
    public string? File { get; init; }

    /// <summary>Gets the name of the head's audio features input, <c>[1, T, D_audio]</c>.</summary>
    public string? AudioInput { get; init; }

    /// <summary>Gets the name of the head's visual features input, <c>[1, F, D_video]</c>.</summary>
    public string? VideoInput { get; init; }

    /// <summary>Gets the name of the head's logits output, <c>[1, labels]</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the late-fusion weight of the audio classifier when the audio is available. Default 0.5.</summary>
    [JsonInclude]
    public float AudioWeight { get; internal set; } = 0.5f;

    /// <summary>Gets the late-fusion weight of the visual classifier when a face is visible. Default 0.5.</summary>
    [JsonInclude]
    public float VideoWeight { get; internal set; } = 0.5f;
}

/// <summary>A per-frame expression classifier: one face crop in (grayscale or RGB, NHWC), one probability per label out.</summary>
internal sealed class VisualClassifierManifest
{
    /// <summary>Gets the input layout: <c>gray</c> (<c>[F, size, size, 1]</c>, <see cref="GrayscaleWeights"/>, then
    /// <see cref="Mean"/> and <see cref="Std"/>; the default) or <c>rgb255</c> (<c>[F, size, size, 3]</c>, RGB in 0..255, for a
    /// network that normalises inside its graph).</summary>
    [JsonInclude]
    public string InputFormat { get; internal set; } = "gray";

    /// <summary>Gets the input side in pixels; <c>video.cropSize</c> when absent.</summary>
    public int? InputSize { get; init; }

    /// <summary>Gets the part of the crop this classifier sees: a centred square whose side is <c>scale</c> times the crop's,
    /// moved down by <c>shiftY</c> crop sides. The whole crop when absent.</summary>
    [JsonInclude]
    public ClassifierRegionManifest Region { get; internal set; } = new();

    /// <summary>Gets a value indicating whether the probabilities are averaged with those of the mirrored crop. Default false.</summary>
    [JsonInclude]
    public bool Flip { get; internal set; }

    /// <summary>Gets the classifier's weight in an ensemble. Default 1.</summary>
    [JsonInclude]
    public float Weight { get; internal set; } = 1f;

    /// <summary>Gets the file name, relative to the model folder.</summary>
    public required string File { get; init; }

    /// <summary>Gets the name of the input tensor, <c>[F, size, size, 1]</c> (NHWC, grayscale).</summary>
    public required string Input { get; init; }

    /// <summary>Gets the name of the output tensor, <c>[F, labels]</c> probabilities.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the classifier's labels in its output order; they are matched to the set's labels by name.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets the red, green and blue weights of the grayscale conversion. Default 0.2989, 0.5870, 0.1140 (the
    /// weights the human library uses).</summary>
    [JsonInclude]
    public IReadOnlyList<float> GrayscaleWeights { get; internal set; } = [0.2989f, 0.5870f, 0.1140f];

    /// <summary>Gets the mean subtracted from the gray value in [0, 1]. Default 0.5.</summary>
    [JsonInclude]
    public float Mean { get; internal set; } = 0.5f;

    /// <summary>Gets the standard deviation the gray value is divided by. Default 0.5 (so the input spans [-1, 1]).</summary>
    [JsonInclude]
    public float Std { get; internal set; } = 0.5f;
}

/// <summary>A speech-emotion classifier: the preprocessed audio window in (<c>[1, audio.maxSamples]</c> at <c>audio.sampleRate</c>,
/// Wav2Vec2-normalised when <c>audio.normalize</c>), one score per label out.</summary>
internal sealed class AudioClassifierManifest
{
    /// <summary>Gets the file name, relative to the model folder.</summary>
    public required string File { get; init; }

    /// <summary>Gets the name of the input tensor, <c>[1, maxSamples]</c>.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the name of the output tensor, <c>[1, labels]</c>.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the classifier's labels in its output order; they are matched to the set's labels by name.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets what the output holds: <c>logits</c> (a softmax is applied; the default) or <c>probabilities</c>.</summary>
    [JsonInclude]
    public string OutputKind { get; internal set; } = "logits";
}

/// <summary>The part of the face crop one classifier of an ensemble sees.</summary>
internal sealed class ClassifierRegionManifest
{
    /// <summary>Gets the side of the centred square, as a fraction of the crop's side (0 to 1). Default 1.</summary>
    [JsonInclude]
    public float Scale { get; internal set; } = 1f;

    /// <summary>Gets how far the square moves down, in crop sides (negative: up). Default 0.</summary>
    [JsonInclude]
    public float ShiftY { get; internal set; }
}

/// <summary>A voice-activity detector model.</summary>
internal sealed class VoiceActivityManifest
{
    /// <summary>Gets the detector type; <c>silero</c> (Silero VAD v5, 16 kHz) is built in.</summary>
    [JsonInclude]
    public string Type { get; internal set; } = "silero";

    /// <summary>Gets the file name, relative to the model folder.</summary>
    public required string File { get; init; }

    /// <summary>Gets the speech probability at or above which a window counts as speech. Absent: the default of <c>SileroVoiceActivityOptions.Threshold</c>.</summary>
    public float? Threshold { get; init; }

    /// <summary>Gets how much speech, in milliseconds, a clip needs to count as speech. Absent: the default of <c>SileroVoiceActivityOptions.MinSpeechDuration</c>.</summary>
    public int? MinSpeechMilliseconds { get; init; }
}

/// <summary>What happens between the logits and the reported label.</summary>
internal sealed class PostprocessingManifest
{
    /// <summary>Gets the labels that need a voice: when the audio is silent and one of them wins, the reported label becomes
    /// <see cref="SilenceOverrideLabel"/>. Default <c>angry</c> and <c>fear</c>.</summary>
    [JsonInclude]
    public IReadOnlyList<string> SilenceOverrideLabels { get; internal set; } = OriginalDefaults.SilenceOverrideLabels;

    /// <summary>Gets the label reported instead. Default <c>neutral (silence)</c>.</summary>
    [JsonInclude]
    public string SilenceOverrideLabel { get; internal set; } = OriginalDefaults.SilenceOverrideLabel;
}
