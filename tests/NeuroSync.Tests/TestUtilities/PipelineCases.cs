namespace NeuroSync.Tests.TestUtilities;

/// <summary>tests/NeuroSync.Tests/TestData/Pipeline/cases.json, written by tools/models/make_tiny_models.py from the
/// original system's semantics run in PyTorch on the tiny model set.</summary>
internal sealed record PipelineCases(PipelineCase[] Cases)
{
    public static PipelineCases Load() => ReferenceJson.Read<PipelineCases>("Pipeline", "cases.json");

    public static string TinyModels => System.IO.Path.Combine(AppContext.BaseDirectory, "Models", "tiny");
}

internal sealed record PipelineCase(
    string Case,
    string? Audio,
    string[] Frames,
    double[] Probabilities,
    string RawLabel,
    string Label,
    bool Silent,
    double Rms,
    int SampledFrames,
    int FacesFound,
    PipelineContributions Contributions);

internal sealed record PipelineContributions(double[] ProbabilitiesWithZeroAudio, double[] ProbabilitiesWithZeroVideo);
