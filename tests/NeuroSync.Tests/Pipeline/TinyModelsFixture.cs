using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Pipeline;

/// <summary>One recognizer over the committed tiny model set, shared by a test class.</summary>
public sealed class TinyModelsFixture : IDisposable
{
    public TinyModelsFixture() => Recognizer = EmotionRecognizer.Create(PipelineCases.TinyModels, configure: o => o.Mode = RecognitionMode.Original);

    public EmotionRecognizer Recognizer { get; }

    public void Dispose() => Recognizer.Dispose();
}
