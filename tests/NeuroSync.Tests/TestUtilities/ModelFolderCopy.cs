using System.Text.Json.Nodes;

namespace NeuroSync.Tests.TestUtilities;

/// <summary>A private copy of a model folder in the temp folder, whose manifest a test may edit; deleted on dispose.</summary>
internal sealed class ModelFolderCopy : IDisposable
{
    public ModelFolderCopy(string source, string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; }

    /// <summary>Sets (or, with a null value, nulls) the manifest field at a dotted path such as <c>video.frameStride</c>
    /// (array elements by index: <c>video.classifiers.1.labels</c>).</summary>
    public void EditManifest(string path, JsonNode? value) => Edit(path, (parent, name) => parent[name] = value);

    /// <summary>Removes the manifest field at a dotted path, which must exist.</summary>
    public void RemoveFromManifest(string path) =>
        Edit(path, (parent, name) => Assert.True(parent.AsObject().Remove(name), $"the manifest has no '{path}' to leave out."));

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private void Edit(string path, Action<JsonNode, string> change)
    {
        string file = System.IO.Path.Combine(Path, "neurosync.json");
        JsonNode root = JsonNode.Parse(File.ReadAllText(file))!;
        string[] parts = path.Split('.');
        JsonNode node = root;
        foreach (string part in parts[..^1])
        {
            node = node is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        change(node, parts[^1]);
        File.WriteAllText(file, root.ToJsonString());
    }
}
