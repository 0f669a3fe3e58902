using NeuroSync.Models;
using NeuroSync.Tests.Pipeline;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Export;

/// <summary>
/// The exporter's round trip: a synthetic checkpoint with the original's key names, exported by
/// tools/export/export_checkpoint.py, gives in the SDK the probabilities its PyTorch modules give
/// (TestData/Export/golden.json, written by tools/export/make_export_testdata.py).
/// </summary>
public sealed class ExportedModelSetTests(ExportedModelsFixture models) : IClassFixture<ExportedModelsFixture>
{
    public static TheoryData<string> Cases => new(ExportGolden.Load().Cases.Select(c => c.Case));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RecognizeAsync_ExportedSyntheticCheckpoint_MatchesPyTorchModules(string name)
    {
        ExportCase golden = ExportGolden.Load().Cases.Single(c => c.Case == name);
        using var clip = EmotionRecognizerParityTests.Clip.Load(golden.Audio, golden.Frames);

        EmotionPrediction prediction = await models.FullPrecision.RecognizeAsync(clip.Input);

        EmotionRecognizerParityTests.AssertClose(golden.Probabilities, prediction.Scores, name); // tolerance: 1e-4 (parity)
        Assert.Equal(golden.RawLabel, prediction.RawLabel);
        Assert.Equal(golden.Label, prediction.Label);
        Assert.Equal(golden.Silent, prediction.Mask.Audio != AudioStatus.Available);
    }

    [Fact]
    public void Manifest_ExportedSet_HasTheOriginalLabelsAndTheCheckpointsDimensions()
    {
        var manifest = (ModelManifest)models.FullPrecision.GetService(typeof(ModelManifest))!;

        Assert.Equal(EmotionLabelSet.Default, new EmotionLabelSet(manifest.Labels));
        Assert.Equal([1L, 349, 32], manifest.Audio.Model!.OutputShape);
        Assert.Equal([-1L, 320], manifest.Video.Model!.OutputShape);
    }
}

/// <summary>TestData/Export/golden.json.</summary>
internal sealed record ExportGolden(ExportCase[] Cases)
{
    public static ExportGolden Load() => ReferenceJson.Read<ExportGolden>("Export", "golden.json");

    public static string Manifest(string fileName) => TestFiles.Path("Export", fileName);
}

internal sealed record ExportCase(string Case, string? Audio, string[] Frames, double[] Probabilities, string RawLabel, string Label, bool Silent);
