using System.Collections;

namespace NeuroSync;

/// <summary>
/// The ordered class labels of a model set: index <c>i</c> of every score vector belongs to label <c>i</c>.
/// </summary>
/// <remarks>Immutable and thread-safe. Labels are compared ordinally and case-insensitively.</remarks>
public sealed class EmotionLabelSet : IReadOnlyList<string>
{
    private readonly string[] _labels;

    /// <summary>
    /// The seven labels of the original NeuroSync model, in its index order:
    /// <c>angry, disgust, fear, happy, neutral, sad, surprise</c>.
    /// </summary>
    public static EmotionLabelSet Default { get; } = new(["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]);

    /// <summary>Creates a label set.</summary>
    /// <param name="labels">The labels in model output order; at least two, none empty, no duplicates.</param>
    /// <exception cref="ArgumentException">The list is too short, has an empty label or repeats one.</exception>
    public EmotionLabelSet(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = [.. labels];
        if (_labels.Length < 2)
        {
            throw new ArgumentException($"Emotion labels: expected at least 2, found {_labels.Length}.", nameof(labels));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string label in _labels)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ArgumentException("Emotion labels: expected non-empty names, found an empty one.", nameof(labels));
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException($"Emotion labels: expected unique names, found '{label}' twice.", nameof(labels));
            }
        }
    }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public string this[int index] => _labels[index];

    /// <summary>Finds the index of a label.</summary>
    /// <param name="label">The label to look for (case-insensitive).</param>
    /// <returns>The index, or -1 when the set has no such label.</returns>
    public int IndexOf(string label) => Array.FindIndex(_labels, l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
