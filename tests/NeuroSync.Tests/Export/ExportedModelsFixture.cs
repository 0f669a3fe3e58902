namespace NeuroSync.Tests.Export;

/// <summary>The exported synthetic model set, loaded twice: with the float32 and with the int8 audio encoder.</summary>
public sealed class ExportedModelsFixture : IDisposable
{
    public EmotionRecognizer FullPrecision { get; } = EmotionRecognizer.Create(ExportGolden.Manifest("neurosync.json"), configure: o => o.Mode = RecognitionMode.Original);

    public EmotionRecognizer Quantized { get; } = EmotionRecognizer.Create(ExportGolden.Manifest("neurosync.int8.json"), configure: o => o.Mode = RecognitionMode.Original);

    public void Dispose()
    {
        FullPrecision.Dispose();
        Quantized.Dispose();
    }
}
