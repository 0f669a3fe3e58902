namespace NeuroSync.Models;

/// <summary>
/// The contents of a model set's <c>neurosync.json</c>: everything the pipeline needs to know about its three models
/// (files, tensor names and shapes) and about the preprocessing they were trained with. See <c>docs/models.md</c>.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>The name of the manifest file inside a model folder.</summary>
    public const string FileName = "neurosync.json";

    /// <summary>Gets the model set's name, used in logs and telemetry.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the class labels in the fusion output's order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets the audio encoder and its preprocessing.</summary>
    public required AudioManifest Audio { get; init; }

    /// <summary>Gets the visual encoder and its preprocessing.</summary>
    public required VideoManifest Video { get; init; }

    /// <summary>Gets the fusion model.</summary>
    public required FusionManifest Fusion { get; init; }

    /// <summary>Gets the post-processing rules; the original system's when absent.</summary>
    public PostprocessingManifest Postprocessing { get; init; } = new();
}

/// <summary>One ONNX model file with a single input and a single output.</summary>
public sealed class OnnxModelManifest
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

/// <summary>The audio encoder and the preprocessing its input needs.</summary>
public sealed class AudioManifest
{
    /// <summary>Gets the encoder model: input <c>[1, MaxSamples]</c>, output <c>[1, T, D]</c>.</summary>
    public required OnnxModelManifest Model { get; init; }

    /// <summary>Gets the encoder's sample rate in hertz. Default 16000.</summary>
    public int SampleRate { get; init; } = 16_000;

    /// <summary>Gets the encoder input length in samples. Default 112000 (7 s).</summary>
    public int MaxSamples { get; init; } = 112_000;

    /// <summary>Gets a value indicating whether Wav2Vec2 zero-mean unit-variance normalisation applies. Default true.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Gets the epsilon under the square root of the normalisation. Default 1e-7.</summary>
    public double NormalizationEpsilon { get; init; } = 1e-7;

    /// <summary>Gets the RMS below which audio counts as silent. Default 0.015.</summary>
    public float SilenceRmsThreshold { get; init; } = 0.015f;
}

/// <summary>The visual encoder and the preprocessing its input needs.</summary>
public sealed class VideoManifest
{
    /// <summary>Gets the encoder model: input <c>[F, 3, CropSize, CropSize]</c>, output <c>[F, D]</c>.</summary>
    public required OnnxModelManifest Model { get; init; }

    /// <summary>Gets the crop side in pixels. Default 224.</summary>
    public int CropSize { get; init; } = 224;

    /// <summary>Gets the per-plane mean, in tensor plane order. Default ImageNet's.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    /// <summary>Gets the per-plane standard deviation, in tensor plane order. Default ImageNet's.</summary>
    public IReadOnlyList<float> Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Gets the plane order, <c>bgr</c> or <c>rgb</c>. Default <c>bgr</c>, as the original system.</summary>
    public string ChannelOrder { get; init; } = "bgr";

    /// <summary>Gets the frame sampling stride. Default 10.</summary>
    public int FrameStride { get; init; } = 10;

    /// <summary>Gets how many zero frames stand for a clip without frames. Default 10.</summary>
    public int EmptyVideoFrameCount { get; init; } = 10;

    /// <summary>Gets the face detector settings; the original's Haar cascade when absent.</summary>
    public FaceDetectorManifest FaceDetector { get; init; } = new();
}

/// <summary>The face detector a model set was trained with.</summary>
public sealed class FaceDetectorManifest
{
    /// <summary>Gets the detector type; <c>haar</c> (OpenCV's frontal-face cascade) is built in.</summary>
    public string Type { get; init; } = "haar";

    /// <summary>Gets the Haar scale factor. Default 1.1.</summary>
    public double ScaleFactor { get; init; } = 1.1;

    /// <summary>Gets the Haar minimum neighbours. Default 5.</summary>
    public int MinNeighbors { get; init; } = 5;
}

/// <summary>The fusion model: audio and visual features in, one logit per label out.</summary>
public sealed class FusionManifest
{
    /// <summary>Gets the fusion type; <c>cross-attention</c> (an ONNX head) is built in.</summary>
    public string Type { get; init; } = "cross-attention";

    /// <summary>Gets the file name, relative to the model folder.</summary>
    public required string File { get; init; }

    /// <summary>Gets the name of the audio features input, <c>[1, T, D_audio]</c>.</summary>
    public required string AudioInput { get; init; }

    /// <summary>Gets the name of the visual features input, <c>[1, F, D_video]</c>.</summary>
    public required string VideoInput { get; init; }

    /// <summary>Gets the name of the logits output, <c>[1, labels]</c>.</summary>
    public required string Output { get; init; }
}

/// <summary>What happens between the logits and the reported label.</summary>
public sealed class PostprocessingManifest
{
    /// <summary>Gets the labels that need a voice: when the audio is silent and one of them wins, the reported label becomes
    /// <see cref="SilenceOverrideLabel"/>. Default <c>angry</c> and <c>fear</c>.</summary>
    public IReadOnlyList<string> SilenceOverrideLabels { get; init; } = ["angry", "fear"];

    /// <summary>Gets the label reported instead. Default <c>neutral (silence)</c>.</summary>
    public string SilenceOverrideLabel { get; init; } = "neutral (silence)";
}
