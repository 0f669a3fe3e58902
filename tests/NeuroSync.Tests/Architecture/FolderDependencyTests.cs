using System.Text.RegularExpressions;

namespace NeuroSync.Tests.Architecture;

/// <summary>
/// The folders of <c>src/NeuroSync</c> form layers: <c>Models/</c> (plain data) at the bottom, <c>Onnx/</c> above it, the
/// parts (<c>Audio/</c>, <c>Vision/</c>, <c>Fusion/</c>), then <c>Composition/</c> and <c>DependencyInjection/</c>. No folder may
/// use a folder that uses it back, directly or through others. A folder uses another when one of its files names that
/// folder's namespace: a <c>using</c> directive, a qualified name (<c>NeuroSync.Onnx.X</c>) or a relative one
/// (<c>Onnx.X</c>, as in a <c>cref</c>). Files at the root (the contracts and the recognizer) are not a folder.
/// </summary>
public sealed class FolderDependencyTests
{
    [Fact]
    public void Folders_HaveNoDependencyCycle()
    {
        Dictionary<string, HashSet<string>> uses = FolderUses();

        List<string>? cycle = FindCycle(uses);

        Assert.True(cycle is null, $"Folder cycle: {string.Join(" -> ", cycle ?? [])}. Uses: {Describe(uses)}");
        Assert.Empty(uses["Models"]); // the bottom layer: plain data
    }

    [Fact]
    public void FindCycle_OnALoop_ReportsIt()
    {
        // The check itself: a loop through three folders is found.
        var uses = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        Assert.Equal(["A", "B", "C", "A"], FindCycle(uses));
    }

    private static Dictionary<string, HashSet<string>> FolderUses()
    {
        string src = SourceRoot();
        string[] folders = [.. Directory.GetDirectories(src).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!)];
        var uses = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (string folder in folders)
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(src, folder), "*.cs", SearchOption.AllDirectories))
            {
                string text = File.ReadAllText(file);
                foreach (string other in folders.Where(o => o != folder))
                {
                    if (Regex.IsMatch(text, $@"\bNeuroSync\.{other}\b") || Regex.IsMatch(text, $@"(?<![\w.]){other}\.[A-Z]\w*"))
                    {
                        uses[folder].Add(other);
                    }
                }
            }
        }

        return uses;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> uses)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        foreach (string start in uses.Keys.Order())
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(node) == 1)
            {
                return [.. path.Skip(path.IndexOf(node)), node];
            }

            state[node] = 1;
            path.Add(node);
            foreach (string next in uses.GetValueOrDefault(node, []).Order())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static string Describe(Dictionary<string, HashSet<string>> uses) =>
        string.Join("; ", uses.OrderBy(u => u.Key).Select(u => $"{u.Key} -> [{string.Join(", ", u.Value.Order())}]"));

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "NeuroSync");
            if (File.Exists(Path.Combine(candidate, "NeuroSync.csproj")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Expected src/NeuroSync above {AppContext.BaseDirectory}.");
    }
}
