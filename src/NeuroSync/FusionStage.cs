using System.Diagnostics;
using System.Numerics.Tensors;

namespace NeuroSync;

/// <summary>
/// What follows the encoders: the modality mask, the fusion head, softmax, arg-max, the contributions and the silence
/// override, made into a prediction. Shared by every caller that has the two modalities' features (a clip, a stream's window).
/// </summary>
/// <remarks>Thread-safe: it keeps no per-call state.</remarks>
internal sealed class FusionStage(IFusionEngine fusion, ZeroInputFeatures silentAudio, ZeroInputFeatures blankVideo, EmotionRecognizerOptions options)
{
    public EmotionLabelSet Labels => fusion.Labels;

    /// <summary>Fuses the two modalities into a prediction.</summary>
    /// <param name="audio">The audio path's result.</param>
    /// <param name="video">The video path's result.</param>
    /// <param name="call">The call's settings.</param>
    /// <param name="start">The timestamp at which the call began.</param>
    /// <param name="videoStart">The timestamp at which the video path began.</param>
    /// <param name="cancellationToken">Cancels the fusion.</param>
    /// <returns>The prediction; <see cref="EmotionPrediction.UnknownLabel"/> in robust mode when nothing usable can be scored.</returns>
    public async Task<EmotionPrediction> PredictAsync(
        ModalityFeatures<AudioStatus> audio,
        ModalityFeatures<VideoStatus> video,
        CallSettings call,
        long start,
        long videoStart,
        CancellationToken cancellationToken)
    {
        var mask = new ModalityMask(audio.Status, video.Status);
        if (call.Mode == RecognitionMode.Robust && !fusion.CanScore(mask))
        {
            return Unknown(audio, video, mask, call, start, videoStart);
        }

        long fusionStart = Stopwatch.GetTimestamp();
        float[] probabilities = Softmax(await fusion.FuseAsync(audio.Features, video.Features, mask, cancellationToken).ConfigureAwait(false));
        ModalityContributions? contributions = call.ComputeContributions
            ? await ComputeContributionsAsync(audio, video, mask, probabilities, cancellationToken).ConfigureAwait(false)
            : null;

        int best = TensorPrimitives.IndexOfMax(probabilities);
        string rawLabel = Labels[best];
        // Silence is evidence (nobody shouting in anger or fear); a clip without any audio track is not, outside the original.
        bool voiceless = call.Mode == RecognitionMode.Original
            ? audio.Status != AudioStatus.Available
            : audio.Status is AudioStatus.Silent or AudioStatus.NoSpeech;
        string label = voiceless && options.SilenceOverrideLabels.Contains(rawLabel, StringComparer.OrdinalIgnoreCase)
            ? options.SilenceOverrideLabel
            : rawLabel;
        long end = Stopwatch.GetTimestamp();

        return new EmotionPrediction
        {
            Label = label,
            RawLabel = rawLabel,
            Confidence = probabilities[best],
            Labels = Labels,
            Scores = probabilities,
            Mask = mask,
            Contributions = contributions,
            AudioRms = audio.Rms,
            Frames = video.Frames,
            Timings = Timings(audio, video, Stopwatch.GetElapsedTime(start, videoStart), Stopwatch.GetElapsedTime(fusionStart, end), Stopwatch.GetElapsedTime(start, end)),
        };
    }

    private static StageTimings Timings(ModalityFeatures<AudioStatus> audio, ModalityFeatures<VideoStatus> video, TimeSpan videoStart, TimeSpan fusion, TimeSpan total) => new()
    {
        VideoStart = videoStart,
        AudioPreprocessing = audio.PreprocessingTime,
        AudioEncoder = audio.EncoderTime,
        VideoPreprocessing = video.PreprocessingTime,
        VisualEncoder = video.EncoderTime,
        Fusion = fusion,
        Total = total,
    };

    /// <summary>No emotion: nothing available could be scored, so no label is computed from a zero input.</summary>
    private EmotionPrediction Unknown(ModalityFeatures<AudioStatus> audio, ModalityFeatures<VideoStatus> video, ModalityMask mask, CallSettings call, long start, long videoStart) => new()
    {
        Label = EmotionPrediction.UnknownLabel,
        RawLabel = EmotionPrediction.UnknownLabel,
        Confidence = 0f,
        Labels = Labels,
        Scores = new float[Labels.Count],
        Mask = mask,
        Contributions = call.ComputeContributions ? new ModalityContributions(0f, 0f) : null,
        AudioRms = audio.Rms,
        Frames = video.Frames,
        Timings = Timings(audio, video, Stopwatch.GetElapsedTime(start, videoStart), TimeSpan.Zero, Stopwatch.GetElapsedTime(start)),
    };

    private static float[] Softmax(float[] logits)
    {
        if (!TensorPrimitives.IsFiniteAll(logits))
        {
            throw new NeuroSyncException($"Fusion output: expected finite logits, found [{string.Join(", ", logits)}].");
        }

        var probabilities = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, probabilities);
        return probabilities;
    }

    /// <summary>Total variation distance between the prediction and the one with a modality's features replaced by its zero-input features.</summary>
    private async Task<ModalityContributions> ComputeContributionsAsync(ModalityFeatures<AudioStatus> audio, ModalityFeatures<VideoStatus> video, ModalityMask mask, float[] probabilities, CancellationToken cancellationToken)
    {
        FeatureMatrix silent = await silentAudio.GetAsync(cancellationToken).ConfigureAwait(false);
        FeatureMatrix blank = await blankVideo.GetAsync(cancellationToken).ConfigureAwait(false);
        float audioShare = ReferenceEquals(audio.Features, silent)
            ? 0f
            : Distance(probabilities, Softmax(await fusion.FuseAsync(silent, video.Features, mask, cancellationToken).ConfigureAwait(false)));
        float videoShare = ReferenceEquals(video.Features, blank)
            ? 0f
            : Distance(probabilities, Softmax(await fusion.FuseAsync(audio.Features, blank, mask, cancellationToken).ConfigureAwait(false)));
        return new ModalityContributions(audioShare, videoShare);

        static float Distance(float[] p, float[] q)
        {
            float sum = 0;
            for (int i = 0; i < p.Length; i++)
            {
                sum += MathF.Abs(p[i] - q[i]);
            }

            return 0.5f * sum;
        }
    }
}
