using System.Text.Json.Serialization;

namespace NeuroSync.Cli.Output;

/// <summary>Source-generated JSON for the command's reports: camelCase names, one line per document.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<FaceBoxReport>))]
[JsonSerializable(typeof(AudioReport))]
[JsonSerializable(typeof(FramesReport))]
[JsonSerializable(typeof(PredictionReport))]
[JsonSerializable(typeof(EvaluationReport))]
[JsonSerializable(typeof(TimelineWindowReport))]
[JsonSerializable(typeof(TimelineSummaryReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
