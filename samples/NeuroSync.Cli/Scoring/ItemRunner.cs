using NeuroSync.Audio;
using NeuroSync.Cli.Commands;
using NeuroSync.Evaluation;
using NeuroSync.Vision;

namespace NeuroSync.Cli.Scoring;

/// <summary>Runs the rows of a labelled data set through one shared recognizer, several at a time.</summary>
/// <remarks>Each row gets inputs of its own, read the same way <c>analyze</c> reads them, so a row's prediction equals
/// <c>analyze</c>'s on the same file. The recognizer is thread-safe; nothing else is shared between rows.</remarks>
/// <param name="recognizer">The recognizer.</param>
/// <param name="kind">What each row names.</param>
internal sealed class ItemRunner(EmotionRecognizer recognizer, ItemKind kind)
{
    /// <summary>The name of the optional sound file inside a clip folder.</summary>
    public const string ClipAudioFile = "audio.wav";

    private readonly int _stride = AnalyzeCommand.FrameStride(recognizer);

    /// <summary>Runs rows, at most <paramref name="parallelism"/> at a time, until all are done or the token is cancelled.</summary>
    /// <param name="items">The rows.</param>
    /// <param name="parallelism">The most rows in flight at once (at least 1).</param>
    /// <param name="done">Called, on any thread, as each row finishes.</param>
    /// <param name="cancellationToken">Stops the run: rows in flight are abandoned, no new row starts.</param>
    /// <returns>One result per row, at the row's index; <see langword="null"/> for a row not done because of cancellation.</returns>
    public async Task<ItemResult?[]> RunAsync(IReadOnlyList<LabelledItem> items, int parallelism, Action<ItemResult> done, CancellationToken cancellationToken)
    {
        var results = new ItemResult?[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), options, async (index, token) =>
            {
                ItemResult result = await RunOneAsync(items[index], token).ConfigureAwait(false);
                results[index] = result;
                done(result);
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The rows finished before the cancellation keep their results; the caller reports over those.
        }

        return results;
    }

    /// <summary>Runs one row.</summary>
    /// <param name="item">The row.</param>
    /// <param name="cancellationToken">Stops the recognition.</param>
    /// <returns>The prediction, or the reason the input could not be read.</returns>
    public async Task<ItemResult> RunOneAsync(LabelledItem item, CancellationToken cancellationToken)
    {
        try
        {
            return new ItemResult(item, await RecognizeAsync(item.FullPath, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is CliInputException or InvalidImageException or InvalidAudioException or IOException or UnauthorizedAccessException)
        {
            // A bad input spoils its own row only; model errors and cancellation end the run.
            return new ItemResult(item, null, ex.Message);
        }
    }

    private async Task<EmotionPrediction> RecognizeAsync(string path, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ItemKind.Faces:
            {
                using ClipFrames frames = ClipFrames.Still(InputPaths.RequireFile(path, "Image"), _stride);
                AnalyzeCommand.PreloadSampled(frames, _stride);
                return await recognizer.RecognizeAsync(new EmotionInput { Frames = frames }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            case ItemKind.Speech:
                return await recognizer.RecognizeAsync(new EmotionInput { Audio = AnalyzeCommand.ReadAudio(path) }, cancellationToken: cancellationToken).ConfigureAwait(false);

            default:
            {
                if (!Directory.Exists(path))
                {
                    throw new CliInputException($"Clip '{path}': expected a folder of frames, found {(File.Exists(path) ? "a file" : "nothing at that path")}.");
                }

                IReadOnlyList<string> files = InputPaths.ImagesIn(path);
                string audioPath = Path.Combine(path, ClipAudioFile);
                AudioClip? audio = File.Exists(audioPath) ? AnalyzeCommand.ReadAudio(audioPath) : null;
                if (files.Count == 0 && audio is null)
                {
                    throw new CliInputException($"Clip '{path}': expected image files or an {ClipAudioFile}, found neither.");
                }

                if (files.Count > AnalyzeCommand.MaxFrames)
                {
                    throw new CliInputException($"Clip '{path}': expected at most {AnalyzeCommand.MaxFrames} frames, found {files.Count}.");
                }

                using ClipFrames? frames = files.Count == 0 ? null : new ClipFrames(files);
                if (frames is not null)
                {
                    AnalyzeCommand.PreloadSampled(frames, _stride);
                }

                return await recognizer.RecognizeAsync(new EmotionInput { Audio = audio, Frames = frames }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
