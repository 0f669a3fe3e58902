namespace NeuroSync.Streaming;

/// <summary>One judgement of an <see cref="EmotionStreamSession"/>: the prediction for the window that ends at
/// <see cref="WindowEnd"/>, and what the stream saw since the previous update.</summary>
public sealed class EmotionUpdate
{
    /// <summary>The most faces of missed updates, all of them together, that the next update carries; older ones are dropped.</summary>
    public const int MaxCarriedFaces = 1000;

    /// <summary>The most voice-activity events of missed updates, all of them together, that the next update carries; older
    /// ones are dropped (the last one carried still tells whether the voice is on).</summary>
    public const int MaxCarriedUtterances = 100;

    /// <summary>Gets the update's number, from 0.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the start of the judged window, in stream time (0 is the first sample or frame).</summary>
    public required TimeSpan WindowStart { get; init; }

    /// <summary>Gets the end of the judged window (exclusive), in stream time: always a multiple of the hop; for the final
    /// update, the first one at or after the end of the input (the window holds the input's last part, and nothing after it).</summary>
    public required TimeSpan WindowEnd { get; init; }

    /// <summary>Gets the prediction for the window; in <see cref="RecognitionMode.Original"/> it equals
    /// <see cref="IEmotionRecognizer.RecognizeAsync"/> on the window's samples and frames.</summary>
    public required EmotionPrediction Prediction { get; init; }

    /// <summary>Gets which modalities were usable in the window (the prediction's mask).</summary>
    public ModalityMask Mask => Prediction.Mask;

    /// <summary>Gets the frames analysed since the previous update the reader got, each with its face (if any) and track
    /// (after missed updates, the most recent <see cref="MaxCarriedFaces"/> of theirs come first).</summary>
    public required IReadOnlyList<StreamFace> Faces { get; init; }

    /// <summary>Gets the voice-activity events since the previous update the reader got (after missed updates, the most recent
    /// <see cref="MaxCarriedUtterances"/> of theirs come first); empty when the recognizer has no detector.</summary>
    public required IReadOnlyList<UtteranceEvent> Utterances { get; init; }

    /// <summary>Gets how many frames were dropped since the previous update: written while the backlog was full, with a
    /// timestamp before the previous frame's or before the last judged window's end, or failing to preprocess.</summary>
    public required int DroppedFrames { get; init; }

    /// <summary>Gets how many updates just before this one the reader missed because it was slower than the hop (the gap in
    /// <see cref="Sequence"/>).</summary>
    public required int SkippedUpdates { get; init; }

    /// <summary>Gets the time from the arrival of the input that completed the window to this update being ready.</summary>
    public required TimeSpan Latency { get; init; }

    /// <summary>Gets a value indicating whether this is the last update, made when the input completed.</summary>
    public required bool IsFinal { get; init; }

    internal EmotionUpdate WithSkipped(int skipped) => Copy(Faces, Utterances, DroppedFrames, skipped);

    /// <summary>This update with what older ones, oldest first, which its reader will not get, had seen before it: their drop
    /// counts, and the newest <see cref="MaxCarriedFaces"/> of their faces and <see cref="MaxCarriedUtterances"/> of their events.</summary>
    internal EmotionUpdate Absorbing(IReadOnlyList<EmotionUpdate> older) => Copy(
        [.. older.SelectMany(u => u.Faces).TakeLast(MaxCarriedFaces), .. Faces],
        [.. older.SelectMany(u => u.Utterances).TakeLast(MaxCarriedUtterances), .. Utterances],
        older.Sum(u => u.DroppedFrames) + DroppedFrames,
        SkippedUpdates);

    private EmotionUpdate Copy(IReadOnlyList<StreamFace> faces, IReadOnlyList<UtteranceEvent> utterances, int droppedFrames, int skipped) => new()
    {
        Sequence = Sequence,
        WindowStart = WindowStart,
        WindowEnd = WindowEnd,
        Prediction = Prediction,
        Faces = faces,
        Utterances = utterances,
        DroppedFrames = droppedFrames,
        SkippedUpdates = skipped,
        Latency = Latency,
        IsFinal = IsFinal,
    };
}
