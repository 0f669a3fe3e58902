using NeuroSync.Vision;

namespace NeuroSync;

/// <summary>The result of recognising the emotion in one clip.</summary>
/// <remarks>Immutable: <see cref="Scores"/> and <see cref="Frames"/> are read-only copies of what they were set to, so neither
/// the code that made the prediction nor a caller that casts them can change them. <see cref="Scores"/> is aligned with
/// <see cref="Labels"/>.</remarks>
public sealed record EmotionPrediction
{
    private readonly IReadOnlyList<float> _scores = [];
    private readonly IReadOnlyList<FrameAnalysis> _frames = [];

    /// <summary>The label of a prediction made without usable evidence (robust mode): no available modality could score
    /// emotions. Its <see cref="Confidence"/> is 0 and <see cref="Mask"/> says why.</summary>
    public const string UnknownLabel = "unknown";

    /// <summary>Gets the reported label: <see cref="RawLabel"/>, or an override such as <c>neutral (silence)</c>
    /// when the audio was silent and the arg-max was a label that needs a voice.</summary>
    public required string Label { get; init; }

    /// <summary>Gets the label with the highest probability, before any override.</summary>
    public required string RawLabel { get; init; }

    /// <summary>Gets the probability of <see cref="RawLabel"/>, between 0 and 1.</summary>
    public required float Confidence { get; init; }

    /// <summary>Gets the labels, in score order.</summary>
    public required EmotionLabelSet Labels { get; init; }

    /// <summary>Gets the probability of each label (softmax of the model's logits; they sum to 1).</summary>
    public required IReadOnlyList<float> Scores
    {
        get => _scores;
        init => _scores = ReadOnlyCopy(value);
    }

    /// <summary>Gets which modalities could be used, and why not.</summary>
    public required ModalityMask Mask { get; init; }

    /// <summary>Gets how much each modality moved the result, when the recognizer computed it.</summary>
    public ModalityContributions? Contributions { get; init; }

    /// <summary>Gets the RMS of the audio the encoder would hear, before normalisation (0 when there was no audio).</summary>
    public float AudioRms { get; init; }

    /// <summary>Gets what the video front-end saw in each sampled frame (face box, lighting, status), in order.</summary>
    public IReadOnlyList<FrameAnalysis> Frames
    {
        get => _frames;
        init => _frames = ReadOnlyCopy(value);
    }

    /// <summary>Gets the time spent in each stage.</summary>
    public StageTimings Timings { get; init; } = new();

    /// <summary>Gets the probability of one label.</summary>
    /// <param name="label">A label of <see cref="Labels"/> (case-insensitive).</param>
    /// <returns>Its probability.</returns>
    /// <exception cref="ArgumentException">The label is not in <see cref="Labels"/>.</exception>
    public float ScoreOf(string label)
    {
        int index = Labels.IndexOf(label);
        return index >= 0
            ? Scores[index]
            : throw new ArgumentException($"Label '{label}': expected one of [{string.Join(", ", Labels)}].", nameof(label));
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<T> ReadOnlyCopy<T>(IReadOnlyList<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Array.AsReadOnly([.. value]);
    }
}
