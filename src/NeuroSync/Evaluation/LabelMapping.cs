using System.Diagnostics.CodeAnalysis;

namespace NeuroSync.Evaluation;

/// <summary>
/// Turns a data set's gold labels into the labels being scored: some are renamed (<c>calm</c> to <c>neutral</c>), some are
/// dropped with their items (<c>boredom</c>, which a model set cannot predict), the rest are kept as they are.
/// </summary>
/// <remarks>Immutable and thread-safe. Labels compare ordinally and case-insensitively. A drop applies to the label as the
/// data set writes it, before any renaming.</remarks>
public sealed class LabelMapping
{
    private readonly Dictionary<string, string> _map;
    private readonly HashSet<string> _drop;

    /// <summary>Creates a mapping.</summary>
    /// <param name="map">Gold label to scored label; each gold label at most once.</param>
    /// <param name="drop">Gold labels whose items are left out.</param>
    /// <exception cref="ArgumentException">A label is empty, a gold label is mapped twice, or a label is both mapped and dropped.</exception>
    public LabelMapping(IEnumerable<KeyValuePair<string, string>> map, IEnumerable<string> drop)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(drop);
        _map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string from, string to) in map)
        {
            if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
            {
                throw new ArgumentException($"Label mapping '{from}={to}': expected two non-empty labels, found an empty one.", nameof(map));
            }

            if (_map.TryGetValue(from, out string? earlier))
            {
                throw new ArgumentException($"Label mapping of '{from}': expected one target, found '{earlier}' and '{to}'.", nameof(map));
            }

            _map.Add(from, to);
        }

        _drop = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string label in drop)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ArgumentException("Dropped label: expected a label, found an empty string.", nameof(drop));
            }

            if (_map.ContainsKey(label))
            {
                throw new ArgumentException($"Label '{label}': expected it mapped or dropped, found both.", nameof(drop));
            }

            _drop.Add(label);
        }
    }

    /// <summary>Gets a mapping that keeps every label.</summary>
    public static LabelMapping Identity { get; } = new([], []);

    /// <summary>Gets the renamings, gold label to scored label.</summary>
    public IReadOnlyDictionary<string, string> Map => _map;

    /// <summary>Gets the dropped gold labels.</summary>
    public IReadOnlyCollection<string> Dropped => _drop;

    /// <summary>Creates a mapping from command-line words.</summary>
    /// <param name="map">Renamings written <c>gold=label</c> (<c>calm=neutral</c>).</param>
    /// <param name="drop">Dropped gold labels.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="FormatException">A renaming is not of the form <c>gold=label</c>.</exception>
    /// <exception cref="ArgumentException">A label is empty, a gold label is mapped twice, or a label is both mapped and dropped.</exception>
    public static LabelMapping Parse(IEnumerable<string> map, IEnumerable<string> drop)
    {
        ArgumentNullException.ThrowIfNull(map);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string word in map)
        {
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == word.Length - 1 || word.IndexOf('=', equals + 1) >= 0)
            {
                throw new FormatException($"Label mapping '{word}': expected <gold>=<label> (calm=neutral), found {(equals < 0 ? "no '='" : "an empty side or a second '='")}.");
            }

            pairs.Add(new(word[..equals].Trim(), word[(equals + 1)..].Trim()));
        }

        return new LabelMapping(pairs, drop);
    }

    /// <summary>Maps one gold label.</summary>
    /// <param name="gold">The label as the data set writes it.</param>
    /// <param name="label">The label to score: the renamed label, or <paramref name="gold"/> itself.</param>
    /// <returns><see langword="false"/> when the label is dropped.</returns>
    public bool TryMap(string gold, [NotNullWhen(true)] out string? label)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (_drop.Contains(gold))
        {
            label = null;
            return false;
        }

        label = _map.TryGetValue(gold, out string? target) ? target : gold;
        return true;
    }

    /// <summary>Maps a data set's gold labels onto a label set, leaving out the dropped items.</summary>
    /// <param name="dataSet">The data set.</param>
    /// <param name="labels">The labels being scored (a model set's labels, say).</param>
    /// <returns>The kept items in file order, each with its label spelled as in <paramref name="labels"/>.</returns>
    /// <exception cref="InvalidDataSetException">A kept item's label, after renaming, is not in <paramref name="labels"/>;
    /// the message names its line, file and label, every other such label, and the labels allowed.</exception>
    public LabelledDataSet Apply(LabelledDataSet dataSet, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(labels);
        var allowed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string label in labels)
        {
            allowed.TryAdd(label, label);
        }

        var kept = new List<LabelledItem>(dataSet.Items.Count);
        LabelledItem? firstUnknown = null;
        string? firstUnknownLabel = null;
        var unknown = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (LabelledItem item in dataSet.Items)
        {
            if (!TryMap(item.Label, out string? mapped))
            {
                continue;
            }

            if (allowed.TryGetValue(mapped, out string? spelled))
            {
                kept.Add(item with { Label = spelled });
                continue;
            }

            // Go on to collect every unknown label, so one run names them all rather than one per attempt.
            firstUnknown ??= item;
            firstUnknownLabel ??= mapped;
            unknown.Add(mapped);
        }

        if (firstUnknown is not null)
        {
            string renamed = string.Equals(firstUnknown.Label, firstUnknownLabel, StringComparison.OrdinalIgnoreCase) ? string.Empty : $" (mapped from '{firstUnknown.Label}')";
            string others = unknown.Count > 1 ? $"; other labels not in the set: {string.Join(", ", unknown.Where(u => !string.Equals(u, firstUnknownLabel, StringComparison.OrdinalIgnoreCase)))}" : string.Empty;
            throw new InvalidDataSetException(
                $"{dataSet.Name}, line {firstUnknown.Line} (file '{firstUnknown.File}'): expected a label in [{string.Join(", ", labels)}], found '{firstUnknownLabel}'{renamed}{others}. Map each to one of the set or drop it.");
        }

        return new LabelledDataSet(dataSet.Name, kept);
    }
}
