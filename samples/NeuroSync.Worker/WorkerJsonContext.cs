using System.Text.Json.Serialization;

namespace NeuroSync.Worker;

/// <summary>The JSON the worker writes itself (claims and error notes); the timeline rows use the CLI's context.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ClaimRecord))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
