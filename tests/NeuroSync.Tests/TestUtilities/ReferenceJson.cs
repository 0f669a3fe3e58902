using System.Text.Json;

namespace NeuroSync.Tests.TestUtilities;

/// <summary>The JSON files written by tools/reference/make_reference.py.</summary>
internal static class ReferenceJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static T Read<T>(params string[] path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(TestFiles.Path(path)), Options)
            ?? throw new InvalidDataException($"{string.Join('/', path)} is empty");
}

internal sealed record RectJson(int X, int Y, int Width, int Height);

internal sealed record HaarReferenceImage(string File, int Width, int Height, RectJson[] Faces);

internal sealed record HaarReference(string OpenCv, HaarReferenceImage[] Images);

internal sealed record CropReference(string File, RectJson? Crop, string Output);

internal sealed record ResizeCase(string Input, int InputWidth, int InputHeight, string Output, int OutputWidth, int OutputHeight);

internal sealed record ResizeReference(ResizeCase[] Cases);
