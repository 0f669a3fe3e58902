namespace NeuroSync.Tests.PublicApi;

/// <summary>
/// The public surface itself is guarded at build time by Microsoft.CodeAnalysis.PublicApiAnalyzers
/// (<c>src/NeuroSync/PublicAPI.Shipped.txt</c> and <c>PublicAPI.Unshipped.txt</c>): adding, removing or changing a public
/// member without declaring it fails the build (RS0016, RS0017). What the analyzer does not check is checked here.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicSurface_HasNoPublicTypeOutsideTheNeuroSyncAndDependencyInjectionNamespaces()
    {
        var strays = typeof(EmotionRecognizer).Assembly.GetExportedTypes()
            .Where(t => t.Namespace is not null && !t.Namespace.StartsWith("NeuroSync", StringComparison.Ordinal) && t.Namespace != "Microsoft.Extensions.DependencyInjection")
            .Select(t => t.FullName);
        Assert.Empty(strays);
    }

    [Fact]
    public void DeclaredApi_ListsEveryExportedType()
    {
        // The analyzer reads these files; a declared API that lost a type (a file not included, a bad merge) shows here.
        string declared = File.ReadAllText(RepositoryFile("src/NeuroSync/PublicAPI.Shipped.txt")) + File.ReadAllText(RepositoryFile("src/NeuroSync/PublicAPI.Unshipped.txt"));
        var missing = typeof(EmotionRecognizer).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => t.FullName!.Split('`')[0])
            .Where(name => !declared.Contains(name, StringComparison.Ordinal))
            .ToList();
        Assert.Empty(missing);
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Expected {relative} above {AppContext.BaseDirectory}.");
    }
}
