namespace NeuroSync.Streaming;

/// <summary>What the updates a slow reader missed had seen: faces (the most recent <see cref="EmotionUpdate.MaxCarriedFaces"/>),
/// utterance events and drop counts, handed on with the next update it reads. Thread-safe: the loop adds, the reader takes.</summary>
internal sealed class MissedUpdates
{
    private readonly Lock _lock = new();
    private readonly Queue<StreamFace> _faces = new();
    private readonly List<UtteranceEvent> _utterances = [];
    private int _droppedFrames;

    /// <summary>Keeps what an update dropped from the full update channel had seen.</summary>
    public void Add(EmotionUpdate missed)
    {
        lock (_lock)
        {
            foreach (StreamFace face in missed.Faces)
            {
                if (_faces.Count == EmotionUpdate.MaxCarriedFaces)
                {
                    _faces.Dequeue();
                }

                _faces.Enqueue(face);
            }

            _utterances.AddRange(missed.Utterances);
            _droppedFrames += missed.DroppedFrames;
        }
    }

    /// <summary>The next update the reader gets, with what the missed ones had seen before its own.</summary>
    public EmotionUpdate MergeInto(EmotionUpdate update, int skipped)
    {
        lock (_lock)
        {
            EmotionUpdate merged = update.WithMissed(skipped, [.. _faces], [.. _utterances], _droppedFrames);
            _faces.Clear();
            _utterances.Clear();
            _droppedFrames = 0;
            return merged;
        }
    }
}
