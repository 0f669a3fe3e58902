using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync.Models;

/// <summary>A model folder: its validated manifest (<c>neurosync.json</c> by default) and the full paths of its model files.</summary>
/// <remarks>Immutable. Loading checks the manifest's values and that every file exists; the ONNX layer then checks
/// each model's tensors against the manifest when it opens the file.</remarks>
public sealed class ModelSet
{
    private ModelSet(string directory, ModelManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
        Labels = new EmotionLabelSet(manifest.Labels);
        AudioEncoderPath = Path.Combine(directory, manifest.Audio.Model.File);
        VisualEncoderPath = Path.Combine(directory, manifest.Video.Model.File);
        FusionPath = Path.Combine(directory, manifest.Fusion.File);
    }

    /// <summary>Gets the full path of the model folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Gets the labels, in the fusion output's order.</summary>
    public EmotionLabelSet Labels { get; }

    /// <summary>Gets the full path of the audio encoder.</summary>
    public string AudioEncoderPath { get; }

    /// <summary>Gets the full path of the visual encoder.</summary>
    public string VisualEncoderPath { get; }

    /// <summary>Gets the full path of the fusion model.</summary>
    public string FusionPath { get; }

    /// <summary>Reads and validates a model folder, or one manifest of a folder that holds several.</summary>
    /// <param name="directory">The folder holding <c>neurosync.json</c> and the model files; or the path of a manifest
    /// <c>.json</c> file in such a folder (for example the <c>neurosync.int8.json</c> the exporter writes beside
    /// <c>neurosync.json</c>), whose model files are then looked up in the manifest's folder.</param>
    /// <returns>The model set.</returns>
    /// <exception cref="ModelMismatchException">The folder, the manifest or a file is missing or invalid; the message names it.</exception>
    public static ModelSet Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        string manifestPath;
        if (File.Exists(full))
        {
            manifestPath = full;
            full = Path.GetDirectoryName(full)!;
        }
        else if (System.IO.Directory.Exists(full))
        {
            manifestPath = Path.Combine(full, ModelManifest.FileName);
            if (!File.Exists(manifestPath))
            {
                throw new ModelMismatchException($"Model folder '{full}': expected a {ModelManifest.FileName} manifest, found none.");
            }
        }
        else
        {
            throw new ModelMismatchException($"Model folder '{full}': expected a folder with {ModelManifest.FileName} (or a manifest file), found nothing at that path.");
        }

        ModelManifest manifest;
        try
        {
            using var stream = File.OpenRead(manifestPath);
            manifest = JsonSerializer.Deserialize(stream, ModelManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelMismatchException($"Manifest '{manifestPath}': expected a JSON object, found null.");
        }
        catch (JsonException ex)
        {
            throw new ModelMismatchException($"Manifest '{manifestPath}': expected valid neurosync.json, found an error at {ex.Path ?? "$"}: {ex.Message}", ex);
        }

        var set = new ModelSet(full, Validate(manifest, manifestPath));
        foreach (string path in new[] { set.AudioEncoderPath, set.VisualEncoderPath, set.FusionPath })
        {
            if (!File.Exists(path))
            {
                throw new ModelMismatchException($"Model file '{path}': expected it to exist (named in {manifestPath}), found nothing.");
            }
        }

        return set;
    }

    /// <summary>Gets the audio preprocessing the audio encoder expects.</summary>
    /// <returns>New options.</returns>
    public AudioPreprocessingOptions CreateAudioPreprocessingOptions() => AudioOptions(Manifest);

    /// <summary>Gets the video preprocessing the visual encoder expects.</summary>
    /// <returns>New options.</returns>
    public VideoPreprocessingOptions CreateVideoPreprocessingOptions() => VideoOptions(Manifest);

    /// <summary>Gets the face detector settings the model set was trained with.</summary>
    /// <returns>New options.</returns>
    public HaarDetectorOptions CreateHaarDetectorOptions() => HaarOptions(Manifest);

    private static AudioPreprocessingOptions AudioOptions(ModelManifest m) => new()
    {
        TargetSampleRate = m.Audio.SampleRate,
        MaxSamples = m.Audio.MaxSamples,
        Normalize = m.Audio.Normalize,
        NormalizationEpsilon = m.Audio.NormalizationEpsilon,
        SilenceRmsThreshold = m.Audio.SilenceRmsThreshold,
    };

    private static VideoPreprocessingOptions VideoOptions(ModelManifest m) => new()
    {
        FrameStride = m.Video.FrameStride,
        CropSize = m.Video.CropSize,
        Mean = [.. m.Video.Mean],
        Std = [.. m.Video.Std],
        ChannelOrder = m.Video.ChannelOrder == "rgb" ? ChannelOrder.Rgb : ChannelOrder.Bgr,
        EmptyVideoFrameCount = m.Video.EmptyVideoFrameCount,
    };

    private static HaarDetectorOptions HaarOptions(ModelManifest m) => new()
    {
        ScaleFactor = m.Video.FaceDetector.ScaleFactor,
        MinNeighbors = m.Video.FaceDetector.MinNeighbors,
    };

    private static ModelManifest Validate(ModelManifest m, string path)
    {
        void Require(bool condition, string field, string expected, object? found)
        {
            if (!condition)
            {
                throw new ModelMismatchException($"Manifest '{path}' {field}: expected {expected}, found {found ?? "nothing"}.");
            }
        }

        Require(!string.IsNullOrWhiteSpace(m.Name), "name", "a name", m.Name);
        try
        {
            _ = new EmotionLabelSet(m.Labels);
        }
        catch (ArgumentException ex)
        {
            throw new ModelMismatchException($"Manifest '{path}' labels: {ex.Message}", ex);
        }

        RequireModel(m.Audio.Model, "audio.model", path);
        RequireModel(m.Video.Model, "video.model", path);
        Require(m.Audio.Model.InputShape.Count == 2, "audio.model.inputShape", "rank 2 ([1, samples])", Shape(m.Audio.Model.InputShape));
        Require(m.Audio.Model.OutputShape.Count == 3, "audio.model.outputShape", "rank 3 ([1, T, D])", Shape(m.Audio.Model.OutputShape));
        Require(m.Audio.Model.InputShape[^1] == m.Audio.MaxSamples, "audio.model.inputShape", $"[1, {m.Audio.MaxSamples}] (audio.maxSamples)", Shape(m.Audio.Model.InputShape));
        Require(m.Video.Model.InputShape.Count == 4, "video.model.inputShape", "rank 4 ([F, 3, size, size])", Shape(m.Video.Model.InputShape));
        Require(m.Video.Model.OutputShape.Count == 2, "video.model.outputShape", "rank 2 ([F, D])", Shape(m.Video.Model.OutputShape));
        Require(
            m.Video.Model.InputShape.Skip(1).SequenceEqual([3L, m.Video.CropSize, m.Video.CropSize]),
            "video.model.inputShape", $"[F, 3, {m.Video.CropSize}, {m.Video.CropSize}] (video.cropSize)", Shape(m.Video.Model.InputShape));
        Require(m.Audio.Model.OutputShape[^1] > 0 && m.Video.Model.OutputShape[^1] > 0, "model outputShape", "a fixed feature dimension", "-1");
        Require(m.Video.ChannelOrder is "bgr" or "rgb", "video.channelOrder", "\"bgr\" or \"rgb\"", m.Video.ChannelOrder);
        Require(m.Video.FaceDetector.Type == "haar", "video.faceDetector.type", "\"haar\"", m.Video.FaceDetector.Type);
        Require(m.Fusion.Type == "cross-attention", "fusion.type", "\"cross-attention\"", m.Fusion.Type);
        Require(IsPlainFileName(m.Fusion.File), "fusion.file", "a file name inside the model folder", m.Fusion.File);
        foreach (string label in m.Postprocessing.SilenceOverrideLabels)
        {
            Require(m.Labels.Contains(label, StringComparer.OrdinalIgnoreCase), "postprocessing.silenceOverrideLabels", $"labels from [{string.Join(", ", m.Labels)}]", label);
        }

        try
        {
            AudioOptions(m).Validate();
            VideoOptions(m).Validate();
            HaarOptions(m).Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ModelMismatchException($"Manifest '{path}': {ex.Message}", ex);
        }

        return m;
    }

    private static void RequireModel(OnnxModelManifest model, string field, string path)
    {
        if (!IsPlainFileName(model.File) || string.IsNullOrWhiteSpace(model.Input) || string.IsNullOrWhiteSpace(model.Output))
        {
            throw new ModelMismatchException($"Manifest '{path}' {field}: expected a file name inside the model folder and input/output tensor names, found file '{model.File}', input '{model.Input}', output '{model.Output}'.");
        }

        if (model.InputShape.Concat(model.OutputShape).Any(d => d == 0 || d < -1))
        {
            throw new ModelMismatchException($"Manifest '{path}' {field}: expected dimensions that are positive or -1, found input {Shape(model.InputShape)} and output {Shape(model.OutputShape)}.");
        }
    }

    // A manifest must not reach outside its folder ("../../etc/passwd" or an absolute path).
    private static bool IsPlainFileName(string file) =>
        !string.IsNullOrWhiteSpace(file) && Path.GetFileName(file) == file && file is not "." and not "..";

    internal static string Shape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
