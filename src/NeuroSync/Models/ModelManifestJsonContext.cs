using System.Text.Json.Serialization;

namespace NeuroSync.Models;

/// <summary>Source-generated (trimming- and AOT-safe) JSON metadata for the manifest.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    // A section or list written as null ("fusion": null) fails as a JSON error naming its path, instead of passing as a
    // present required member and failing later with a null reference.
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJsonContext : JsonSerializerContext;
