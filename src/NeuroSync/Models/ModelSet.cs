using System.Text.Json;

namespace NeuroSync.Models;

/// <summary>A model folder: its validated manifest (<c>neurosync.json</c> by default) and the full paths of its model files.</summary>
/// <remarks>Immutable. Loading checks the manifest's values and that every file exists; the ONNX layer then checks
/// each model's tensors against the manifest when it opens the file.</remarks>
internal sealed class ModelSet
{
    private ModelSet(string directory, string manifestPath, ModelManifest manifest)
    {
        Directory = directory;
        ManifestPath = manifestPath;
        Manifest = manifest;
        Labels = new EmotionLabelSet(manifest.Labels);
        AudioEncoderPath = PathOf(manifest.Audio.Model?.File);
        AudioClassifierPath = PathOf(manifest.Audio.Classifier?.File);
        VisualEncoderPath = PathOf(manifest.Video.Model?.File);
        VisualClassifierPaths = [.. manifest.Video.AllClassifiers.Select(c => PathOf(c.File)!)];
        VisualClassifierPath = VisualClassifierPaths.Count > 0 ? VisualClassifierPaths[0] : null;
        FusionPath = PathOf(manifest.Fusion.File);
        FaceDetectorPath = PathOf(manifest.Video.FaceDetector.File);
        VoiceActivityPath = PathOf(manifest.Audio.VoiceActivity?.File);

        string? PathOf(string? file) => file is null ? null : Path.Combine(directory, file);
    }

    /// <summary>Gets the full path of the model folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the manifest file's full path.</summary>
    public string ManifestPath { get; }

    /// <summary>Gets the manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Gets the labels, in the fusion output's order.</summary>
    public EmotionLabelSet Labels { get; }

    /// <summary>Gets the full path of the audio encoder, or <see langword="null"/> when the set has none.</summary>
    public string? AudioEncoderPath { get; }

    /// <summary>Gets the full path of the audio classifier of a late-fusion set, or <see langword="null"/>.</summary>
    public string? AudioClassifierPath { get; }

    /// <summary>Gets the full path of the visual encoder, or <see langword="null"/> when the set has a classifier instead.</summary>
    public string? VisualEncoderPath { get; }

    /// <summary>Gets the full paths of the visual classifiers of a late-fusion set, in manifest order (empty for cross-attention).</summary>
    public IReadOnlyList<string> VisualClassifierPaths { get; }

    /// <summary>Gets the full path of the (first) visual classifier of a late-fusion set, or <see langword="null"/>.</summary>
    public string? VisualClassifierPath { get; }

    /// <summary>Gets the full path of the cross-attention fusion model, or <see langword="null"/> for late fusion.</summary>
    public string? FusionPath { get; }

    /// <summary>Gets the full path of the face detector model, or <see langword="null"/> for the built-in Haar cascade.</summary>
    public string? FaceDetectorPath { get; }

    /// <summary>Gets the full path of the voice-activity detector, or <see langword="null"/> when the set has none.</summary>
    public string? VoiceActivityPath { get; }

    /// <summary>Gets a value indicating whether the set fuses per-modality classifier probabilities (<c>fusion.type</c> <c>late</c>).</summary>
    public bool IsLateFusion => Manifest.Fusion.Type == "late";

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
            byte[] json = File.ReadAllBytes(manifestPath);
            using (JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            {
                // Every field has a default or is required, so null is never meant; the serializer would take it for some
                // fields (those with defaults) and leave a null where the code expects a value.
                if (FindNull(document.RootElement, "$") is { } at)
                {
                    throw new ModelMismatchException($"Manifest '{manifestPath}' {at}: expected a value, found null; leave the field out to take its default.");
                }
            }

            manifest = JsonSerializer.Deserialize(json, ModelManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelMismatchException($"Manifest '{manifestPath}': expected a JSON object, found null.");
        }
        catch (JsonException ex)
        {
            throw new ModelMismatchException($"Manifest '{manifestPath}': expected valid neurosync.json, found an error at {ex.Path ?? "$"}: {ex.Message}", ex);
        }

        var set = new ModelSet(full, manifestPath, Validate(manifest, manifestPath));
        foreach (string? path in (string?[])[set.AudioEncoderPath, set.AudioClassifierPath, set.VisualEncoderPath, .. set.VisualClassifierPaths, set.FusionPath, set.FaceDetectorPath, set.VoiceActivityPath])
        {
            if (path is not null && !File.Exists(path))
            {
                throw new ModelMismatchException($"Model file '{path}': expected it to exist (named in {manifestPath}), found nothing.");
            }
        }

        return set;
    }

    /// <summary>Gets the recognition mode the manifest starts recognizers in.</summary>
    public RecognitionMode Mode => Manifest.Mode == "original" ? RecognitionMode.Original : RecognitionMode.Robust;

    /// <summary>Gets the path of a model file the caller needs, or fails naming what the set lacks.</summary>
    internal string Require(string? path, string what) =>
        path ?? throw new ModelMismatchException($"Model set '{Manifest.Name}' ({Directory}): expected {what}, found none in its {ModelManifest.FileName}.");

    /// <summary>The JSON path of the first null in a document, or <see langword="null"/> when it has none.</summary>
    private static string? FindNull(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return path;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (FindNull(property.Value, $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FindNull(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                break;
        }

        return null;
    }

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

        Require(m.Fusion.Type is "cross-attention" or "late", "fusion.type", "\"cross-attention\" or \"late\"", m.Fusion.Type);
        if (m.Fusion.Type == "cross-attention")
        {
            ValidateCrossAttention(m, path, Require);
        }
        else
        {
            ValidateLate(m, path, Require);
        }

        Require(m.Mode is "robust" or "original", "mode", "\"robust\" or \"original\"", m.Mode);
        Require(m.Video.ChannelOrder is "bgr" or "rgb", "video.channelOrder", "\"bgr\" or \"rgb\"", m.Video.ChannelOrder);
        Require(m.Video.FaceDetector.Type is "haar" or "blazeface", "video.faceDetector.type", "\"haar\" or \"blazeface\"", m.Video.FaceDetector.Type);
        Require(
            m.Video.FaceDetector.Type == "blazeface" ? IsPlainFileName(m.Video.FaceDetector.File) : m.Video.FaceDetector.File is null,
            "video.faceDetector.file", "a file name inside the model folder for \"blazeface\", none for \"haar\"", m.Video.FaceDetector.File);
        if (m.Audio.VoiceActivity is { } vad)
        {
            Require(vad.Type == "silero", "audio.voiceActivity.type", "\"silero\"", vad.Type);
            Require(IsPlainFileName(vad.File), "audio.voiceActivity.file", "a file name inside the model folder", vad.File);
            Require(m.Audio.SampleRate == 16_000, "audio.sampleRate", "16000 (Silero VAD's rate)", m.Audio.SampleRate);
        }

        foreach (string label in m.Postprocessing.SilenceOverrideLabels)
        {
            Require(m.Labels.Contains(label, StringComparer.OrdinalIgnoreCase), "postprocessing.silenceOverrideLabels", $"labels from [{string.Join(", ", m.Labels)}]", label);
        }

        return m;
    }

    private static void ValidateCrossAttention(ModelManifest m, string path, Action<bool, string, string, object?> require)
    {
        require(m.Audio.Model is not null, "audio.model", "an audio encoder (cross-attention fusion)", null);
        require(m.Audio.Classifier is null, "audio.classifier", "none (a classifier joins late fusion; cross-attention takes audio.model)", m.Audio.Classifier?.File);
        require(m.Video.Model is not null, "video.model", "a visual encoder (cross-attention fusion)", m.Video.Classifier is null ? null : "a classifier");
        OnnxModelManifest audio = m.Audio.Model!, video = m.Video.Model!;
        RequireModel(audio, "audio.model", path);
        RequireModel(video, "video.model", path);
        require(audio.InputShape.Count == 2, "audio.model.inputShape", "rank 2 ([1, samples])", TensorShape.Format(audio.InputShape));
        require(audio.OutputShape.Count == 3, "audio.model.outputShape", "rank 3 ([1, T, D])", TensorShape.Format(audio.OutputShape));
        require(audio.InputShape[^1] == m.Audio.MaxSamples, "audio.model.inputShape", $"[1, {m.Audio.MaxSamples}] (audio.maxSamples)", TensorShape.Format(audio.InputShape));
        require(video.InputShape.Count == 4, "video.model.inputShape", "rank 4 ([F, 3, size, size])", TensorShape.Format(video.InputShape));
        require(video.OutputShape.Count == 2, "video.model.outputShape", "rank 2 ([F, D])", TensorShape.Format(video.OutputShape));
        require(
            video.InputShape.Skip(1).SequenceEqual([3L, m.Video.CropSize, m.Video.CropSize]),
            "video.model.inputShape", $"[F, 3, {m.Video.CropSize}, {m.Video.CropSize}] (video.cropSize)", TensorShape.Format(video.InputShape));
        require(audio.OutputShape[^1] > 0 && video.OutputShape[^1] > 0, "model outputShape", "a fixed feature dimension", "-1");
        require(IsPlainFileName(m.Fusion.File), "fusion.file", "a file name inside the model folder", m.Fusion.File);
        require(
            !string.IsNullOrWhiteSpace(m.Fusion.AudioInput) && !string.IsNullOrWhiteSpace(m.Fusion.VideoInput) && !string.IsNullOrWhiteSpace(m.Fusion.Output),
            "fusion", "audioInput, videoInput and output tensor names", $"'{m.Fusion.AudioInput}', '{m.Fusion.VideoInput}', '{m.Fusion.Output}'");
    }

    private static void ValidateLate(ModelManifest m, string path, Action<bool, string, string, object?> require)
    {
        require(m.Video.AllClassifiers.Count > 0 && m.Video.Model is null, "video", "a classifier and no encoder (late fusion)", m.Video.Model is null ? "no classifier" : "an encoder");
        require(m.Video.Classifier is null || m.Video.Classifiers is null, "video", "classifier or classifiers, not both", "both");
        require(m.Audio.Model is null, "audio.model", "none (late fusion takes an audio.classifier instead)", m.Audio.Model?.File);
        if (m.Audio.Classifier is { } a)
        {
            require(IsPlainFileName(a.File) && !string.IsNullOrWhiteSpace(a.Input) && !string.IsNullOrWhiteSpace(a.Output), "audio.classifier", "a file name inside the model folder and input/output tensor names", a.File);
            require(a.Labels.Count >= 2 && a.Labels.All(l => m.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)), "audio.classifier.labels", $"labels from [{string.Join(", ", m.Labels)}]", string.Join(", ", a.Labels));
            require(a.Labels.Distinct(StringComparer.OrdinalIgnoreCase).Count() == a.Labels.Count, "audio.classifier.labels", "unique labels", string.Join(", ", a.Labels));
            require(a.OutputKind is "logits" or "probabilities", "audio.classifier.outputKind", "\"logits\" or \"probabilities\"", a.OutputKind);
        }

        require(m.Fusion.File is null && m.Fusion.AudioInput is null && m.Fusion.VideoInput is null && m.Fusion.Output is null, "fusion", "no head file or tensor names (late fusion)", m.Fusion.File);
        require(m.Fusion.AudioWeight >= 0 && m.Fusion.VideoWeight > 0 && float.IsFinite(m.Fusion.AudioWeight + m.Fusion.VideoWeight), "fusion weights", "audioWeight >= 0 and videoWeight > 0", $"{m.Fusion.AudioWeight}, {m.Fusion.VideoWeight}");
        for (int k = 0; k < m.Video.AllClassifiers.Count; k++)
        {
            VisualClassifierManifest c = m.Video.AllClassifiers[k];
            string field = m.Video.Classifiers is null ? "video.classifier" : $"video.classifiers[{k}]";
            require(IsPlainFileName(c.File) && !string.IsNullOrWhiteSpace(c.Input) && !string.IsNullOrWhiteSpace(c.Output), field, "a file name inside the model folder and input/output tensor names", c.File);
            require(c.Labels.Count >= 2 && c.Labels.All(l => m.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)), $"{field}.labels", $"labels from [{string.Join(", ", m.Labels)}]", string.Join(", ", c.Labels));
            require(c.Labels.Distinct(StringComparer.OrdinalIgnoreCase).Count() == c.Labels.Count, $"{field}.labels", "unique labels", string.Join(", ", c.Labels));
            require(c.GrayscaleWeights.Count == 3 && c.GrayscaleWeights.All(w => w >= 0 && float.IsFinite(w)), $"{field}.grayscaleWeights", "3 finite non-negative weights", string.Join(", ", c.GrayscaleWeights));
            require(c.Std > 0 && float.IsFinite(c.Std) && float.IsFinite(c.Mean), $"{field}.std", "a finite positive value", c.Std);
            require(c.InputFormat is "gray" or "rgb255", $"{field}.inputFormat", "\"gray\" or \"rgb255\"", c.InputFormat);
            require(c.InputSize is null or (>= 8 and <= 1024), $"{field}.inputSize", "8 to 1024 pixels", c.InputSize);
            require(c.Region.Scale is > 0f and <= 1f, $"{field}.region.scale", "a fraction of the crop above 0 and at most 1", c.Region.Scale);
            require(c.Region.ShiftY is >= -0.5f and <= 0.5f, $"{field}.region.shiftY", "-0.5 to 0.5 crop sides", c.Region.ShiftY);
            require(c.Weight > 0 && float.IsFinite(c.Weight), $"{field}.weight", "a finite positive weight", c.Weight);
        }

        // The classifier reads plain RGB planes in [0, 1] and does its own normalisation.
        require(
            m.Video.ChannelOrder == "rgb" && m.Video.Mean.All(v => v == 0) && m.Video.Std.All(v => v == 1),
            "video", "channelOrder \"rgb\", mean [0, 0, 0] and std [1, 1, 1] for a classifier", $"{m.Video.ChannelOrder}, [{string.Join(", ", m.Video.Mean)}], [{string.Join(", ", m.Video.Std)}]");
    }

    private static void RequireModel(OnnxModelManifest model, string field, string path)
    {
        if (!IsPlainFileName(model.File) || string.IsNullOrWhiteSpace(model.Input) || string.IsNullOrWhiteSpace(model.Output))
        {
            throw new ModelMismatchException($"Manifest '{path}' {field}: expected a file name inside the model folder and input/output tensor names, found file '{model.File}', input '{model.Input}', output '{model.Output}'.");
        }

        if (model.InputShape.Concat(model.OutputShape).Any(d => d == 0 || d < -1))
        {
            throw new ModelMismatchException($"Manifest '{path}' {field}: expected dimensions that are positive or -1, found input {TensorShape.Format(model.InputShape)} and output {TensorShape.Format(model.OutputShape)}.");
        }
    }

    // A manifest must not reach outside its folder ("../../etc/passwd" or an absolute path).
    private static bool IsPlainFileName(string? file) =>
        !string.IsNullOrWhiteSpace(file) && Path.GetFileName(file) == file && file is not "." and not "..";
}
