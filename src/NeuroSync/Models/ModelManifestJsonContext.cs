using System.Text.Json.Serialization;

namespace NeuroSync.Models;

/// <summary>Source-generated (trimming- and AOT-safe) JSON metadata for the manifest.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    // Nulls are refused before deserialization (ModelSet.Load names the path); this keeps the rule for any other reader.
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJsonContext : JsonSerializerContext;
