namespace NeuroSync.Fusion;

/// <summary>
/// Late fusion for model sets with per-modality classifiers instead of a trained head: each modality's probabilities are
/// averaged over its rows (frames, time steps), mapped to the set's labels by name, and mixed with weights the modality
/// mask decides: a modality counts only when it is available and has a classifier. When none counts (no face and no
/// speech), every modality with a classifier counts equally, as the original system still classifies whole frames; in
/// robust mode the recognizer asks <see cref="CanScore"/> first and reports no emotion instead.
/// </summary>
/// <remarks>Thread-safe and stateless. Returns log-probabilities, so the recognizer's softmax gives the mixture back.
/// A modality without a classifier (no labels given) is ignored whatever features it brings.</remarks>
internal sealed class LateFusionEngine : IFusionEngine
{
    // Floor for the log of a label no classifier supports: softmax then gives it (practically) zero.
    private const float MinProbability = 1e-12f;

    private readonly int[]? _audioMap;
    private readonly int[]? _videoMap;
    private readonly float _audioWeight;
    private readonly float _videoWeight;

    /// <summary>Creates the engine.</summary>
    /// <param name="labels">The labels of the fused output.</param>
    /// <param name="audioLabels">The audio classifier's labels in its output order, or <see langword="null"/> when there is no audio classifier.</param>
    /// <param name="videoLabels">The visual classifier's labels in its output order, or <see langword="null"/> when there is none.</param>
    /// <param name="audioWeight">The audio weight when the audio is available; 0 or more.</param>
    /// <param name="videoWeight">The video weight when a face is visible; 0 or more.</param>
    /// <exception cref="ArgumentException">A classifier label is not among <paramref name="labels"/>, no modality has a classifier,
    /// or a weight is negative or not finite.</exception>
    public LateFusionEngine(EmotionLabelSet labels, IReadOnlyList<string>? audioLabels, IReadOnlyList<string>? videoLabels, float audioWeight = 0.5f, float videoWeight = 0.5f)
    {
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        if (audioLabels is null && videoLabels is null)
        {
            throw new ArgumentException("Late fusion: expected a classifier for at least one modality, found none.", nameof(videoLabels));
        }

        if (!(audioWeight >= 0 && videoWeight >= 0 && float.IsFinite(audioWeight + videoWeight)))
        {
            throw new ArgumentException($"Late fusion weights: expected finite values of 0 or more, found audio {audioWeight}, video {videoWeight}.", nameof(audioWeight));
        }

        _audioMap = audioLabels is null ? null : Map(audioLabels, "audio");
        _videoMap = videoLabels is null ? null : Map(videoLabels, "video");
        _audioWeight = audioWeight;
        _videoWeight = videoWeight;
    }

    /// <inheritdoc/>
    public EmotionLabelSet Labels { get; }

    /// <inheritdoc/>
    public ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(mask);
        float audioWeight = _audioMap is not null && mask.IsAudioAvailable ? _audioWeight : 0f;
        float videoWeight = _videoMap is not null && mask.IsVideoAvailable ? _videoWeight : 0f;
        if (audioWeight + videoWeight == 0f)
        {
            audioWeight = _audioMap is null ? 0f : 1f;
            videoWeight = _videoMap is null ? 0f : 1f;
        }

        var mixture = new float[Labels.Count];
        Accumulate(audio, _audioMap, audioWeight, mixture, "audio");
        Accumulate(video, _videoMap, videoWeight, mixture, "video");
        float total = audioWeight + videoWeight;
        for (int i = 0; i < mixture.Length; i++)
        {
            mixture[i] = MathF.Log(MathF.Max(mixture[i] / total, MinProbability));
        }

        return ValueTask.FromResult(mixture);
    }

    /// <inheritdoc/>
    /// <remarks>Only a modality with a classifier counts: the lite set's voice decides availability but scores nothing.</remarks>
    public bool CanScore(ModalityMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return (_audioMap is not null && mask.IsAudioAvailable) || (_videoMap is not null && mask.IsVideoAvailable);
    }

    /// <inheritdoc/>
    /// <remarks>Holds no native resources.</remarks>
    public void Dispose()
    {
    }

    private static void Accumulate(FeatureMatrix probabilities, int[]? map, float weight, float[] mixture, string modality)
    {
        if (map is null || weight == 0f)
        {
            return;
        }

        if (probabilities.Columns != map.Length)
        {
            throw new ArgumentException($"Late fusion {modality} input: expected [rows, {map.Length}] class probabilities, found [{probabilities.Rows}, {probabilities.Columns}].");
        }

        float share = weight / probabilities.Rows;
        for (int row = 0; row < probabilities.Rows; row++)
        {
            ReadOnlySpan<float> p = probabilities.GetRow(row);
            for (int c = 0; c < map.Length; c++)
            {
                mixture[map[c]] += share * p[c];
            }
        }
    }

    private int[] Map(IReadOnlyList<string> classifierLabels, string modality)
    {
        var map = new int[classifierLabels.Count];
        for (int c = 0; c < map.Length; c++)
        {
            map[c] = Labels.IndexOf(classifierLabels[c]);
            if (map[c] < 0)
            {
                throw new ArgumentException($"Late fusion {modality} label '{classifierLabels[c]}': expected one of [{string.Join(", ", Labels)}].", nameof(classifierLabels));
            }
        }

        return map;
    }
}
