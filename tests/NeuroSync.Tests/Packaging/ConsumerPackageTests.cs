using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using NeuroSync.Tests.Pipeline;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Packaging;

/// <summary>
/// The library as a package: <c>dotnet pack</c> it into a temporary folder feed, build a copy of
/// <c>samples/NeuroSync.Consumer</c> (an application with package references only) against that feed, run it on the tiny
/// models and a golden clip, and compare its prediction with the golden. Each run packs a unique prerelease version, so
/// NuGet's global packages folder never serves a NeuroSync package left by an earlier run.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class ConsumerPackageTests : IDisposable
{
    private const string GoldenCase = "speech_and_face";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly string _work = Directory.CreateTempSubdirectory("neurosync-consumer-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; the system cleans it eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task PackedLibrary_ConsumerBuiltFromFolderFeed_PredictsTheGoldenWithAndWithoutDependencyInjection()
    {
        string repository = RepositoryRoot();
        string version = $"0.1.0-consumer.{Guid.NewGuid():N}";
        string feed = Path.Combine(_work, "feed");

        await DotnetAsync(
            repository,
            "pack", Path.Combine("src", "NeuroSync", "NeuroSync.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}",
            "--artifacts-path", Path.Combine(_work, "artifacts"));
        AssertPackage(feed, version);
        await DotnetAsync(
            repository,
            "pack", Path.Combine("src", "NeuroSync.Models.Lite", "NeuroSync.Models.Lite.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}",
            "--artifacts-path", Path.Combine(_work, "artifacts"));
        AssertModelPackage(feed, version, repository);

        string consumer = Path.Combine(_work, "consumer");
        string output = Path.Combine(_work, "out");
        CopyDirectory(Path.Combine(repository, "samples", "NeuroSync.Consumer"), consumer);
        try
        {
            await DotnetAsync(
                consumer,
                "build", "-c", "Release", "-o", output, $"-p:NeuroSyncVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");

            // The native ONNX Runtime came from the Microsoft.ML.OnnxRuntime package, not from NeuroSync or a copy.
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(output, "runtimes"), "*onnxruntime*", SearchOption.AllDirectories));

            PipelineCase golden = PipelineCases.Load().Cases.Single(c => c.Case == GoldenCase);
            string frames = Path.Combine(_work, "frames");
            Directory.CreateDirectory(frames);
            for (int i = 0; i < golden.Frames.Length; i++)
            {
                File.Copy(TestFiles.Path(golden.Frames[i]), Path.Combine(frames, $"frame_{i + 1:D3}.png"));
            }

            string stdout = await DotnetAsync(
                _work,
                Path.Combine(output, "NeuroSync.Consumer.dll"), Path.Combine(repository, "models", "tiny"), TestFiles.Path(golden.Audio!), frames);

            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length == 2, $"expected two JSON lines, found:\n{stdout}");
            string[] ways = ["direct", "dependency-injection"];
            for (int i = 0; i < ways.Length; i++)
            {
                using JsonDocument line = JsonDocument.Parse(lines[i]);
                JsonElement root = line.RootElement;
                Assert.Equal(ways[i], root.GetProperty("way").GetString());
                Assert.Equal(golden.Label, root.GetProperty("label").GetString());
                Assert.Equal(golden.RawLabel, root.GetProperty("rawLabel").GetString());
                float[] scores = [.. EmotionLabelSet.Default.Select(l => root.GetProperty("scores").GetProperty(l).GetSingle())];
                EmotionRecognizerParityTests.AssertClose(golden.Probabilities, scores, $"{GoldenCase} through the package ({ways[i]})");
            }

            // AddNeuroSync() with no arguments: the set the model package copied to the output, on the committed smiling face.
            Assert.True(File.Exists(Path.Combine(output, "models", "lite", "neurosync.json")), "expected the model package's set in the output as models/lite");
            string photo = Path.Combine(repository, "samples", "NeuroSync.Cli", "Assets", "astronaut_640x480.png");
            AssertHappy(await DotnetAsync(_work, Path.Combine(output, "NeuroSync.Consumer.dll"), "--packaged-set", photo), "packaged-set");

            // A fresh Generic Host worker, from the same feed.
            string workerOutput = Path.Combine(_work, "worker-out");
            await DotnetAsync(
                Path.Combine(consumer, "Worker"),
                "build", "-c", "Release", "-o", workerOutput, $"-p:NeuroSyncVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");
            AssertHappy(await DotnetAsync(_work, Path.Combine(workerOutput, "NeuroSync.Consumer.Worker.dll"), "--image", photo), "worker");
        }
        finally
        {
            RemoveFromGlobalPackagesFolder(Path.Combine(consumer, "obj", "project.assets.json"), version);
            RemoveFromGlobalPackagesFolder(Path.Combine(consumer, "Worker", "obj", "project.assets.json"), version);
        }
    }

    private static void AssertHappy(string stdout, string way)
    {
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(l => l.StartsWith('{'));
        using JsonDocument json = JsonDocument.Parse(line);
        Assert.Equal(way, json.RootElement.GetProperty("way").GetString());
        Assert.True(json.RootElement.GetProperty("label").GetString() == "happy", $"{way}: expected happy for the smiling face, found {line}");
    }

    /// <summary>The model package: the lite set's files (byte for byte the repository's) as content copied to the output,
    /// a licence beside each weight, the README first, and no code or dependency.</summary>
    private static void AssertModelPackage(string feed, string version, string repository)
    {
        string package = Path.Combine(feed, $"NeuroSync.Models.Lite.{version}.nupkg");
        Assert.True(File.Exists(package), $"expected {package}, found [{string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}]");
        using ZipArchive zip = ZipFile.OpenRead(package);
        const string Folder = "contentFiles/any/any/models/lite/";
        foreach (string file in Directory.GetFiles(Path.Combine(repository, "models", "lite")))
        {
            ZipArchiveEntry entry = zip.GetEntry(Folder + Path.GetFileName(file)) ?? throw new Xunit.Sdk.XunitException($"expected {Folder}{Path.GetFileName(file)} in the model package");
            using var content = new MemoryStream();
            using (Stream stream = entry.Open())
            {
                stream.CopyTo(content);
            }

            Assert.True(content.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{entry.FullName}: expected the repository's file byte for byte");
            if (file.EndsWith(".onnx", StringComparison.Ordinal))
            {
                Assert.NotNull(zip.GetEntry(Folder + Path.GetFileName(file) + ".LICENSE.txt"));
            }
        }

        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        using Stream nuspecStream = zip.GetEntry("NeuroSync.Models.Lite.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        Assert.Contains("research-grade", metadata.Elements().Single(e => e.Name.LocalName == "description").Value, StringComparison.Ordinal);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        XElement[] contentFiles = [.. metadata.Descendants().Where(e => e.Name.LocalName == "files")];
        Assert.NotEmpty(contentFiles);
        Assert.All(contentFiles, f => Assert.Equal("true", (string?)f.Attribute("copyToOutput")));
    }

    [Fact]
    public void Consumer_PinnedPackageVersions_EqualTheRepositoryCentralVersions()
    {
        string repository = RepositoryRoot();
        Dictionary<string, string> central = XDocument.Load(Path.Combine(repository, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var pinned = new[] { "NeuroSync.Consumer.csproj", Path.Combine("Worker", "NeuroSync.Consumer.Worker.csproj") }
            .SelectMany(project => XDocument.Load(Path.Combine(repository, "samples", "NeuroSync.Consumer", project)).Descendants("PackageReference"))
            .Select(e => (Id: (string)e.Attribute("Include")!, Version: (string)e.Attribute("Version")!))
            .Where(p => p.Id is not ("NeuroSync" or "NeuroSync.Models.Lite"))
            .ToList();

        Assert.NotEmpty(pinned);
        foreach ((string id, string pinnedVersion) in pinned)
        {
            Assert.True(central.TryGetValue(id, out string? version), $"{id}: expected in Directory.Packages.props, found no PackageVersion");
            Assert.True(version == pinnedVersion, $"{id}: expected the consumer to pin {version} (Directory.Packages.props), found {pinnedVersion}");
        }
    }

    /// <summary>The package carries what the issue asks for, and neither the native runtime nor model weights.</summary>
    private static void AssertPackage(string feed, string version)
    {
        string package = Path.Combine(feed, $"NeuroSync.{version}.nupkg");
        string symbols = Path.Combine(feed, $"NeuroSync.{version}.snupkg");
        Assert.True(File.Exists(package), $"expected {package}, found [{string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}]");
        Assert.True(File.Exists(symbols), $"expected the symbols package {symbols}");

        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            string[] entries = [.. zip.Entries.Select(e => e.FullName)];
            Assert.Contains("PACKAGE.md", entries);
            Assert.Contains("lib/net10.0/NeuroSync.dll", entries);
            Assert.Contains("lib/net10.0/NeuroSync.xml", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("runtimes/", StringComparison.Ordinal) || e.EndsWith(".onnx", StringComparison.Ordinal));

            using Stream nuspecStream = zip.GetEntry("NeuroSync.nuspec")!.Open();
            XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);
            Assert.Equal("NeuroSync", Element("id").Value);
            Assert.Equal(version, Element("version").Value);
            Assert.Equal("expression", (string?)Element("license").Attribute("type"));
            Assert.Equal("MIT", Element("license").Value);
            Assert.Equal("PACKAGE.md", Element("readme").Value);
            Assert.Equal("git", (string?)Element("repository").Attribute("type"));
            Assert.False(string.IsNullOrWhiteSpace(Element("description").Value));
            string[] dependencies = [.. Element("dependencies").Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!)];
            Assert.Contains("Microsoft.ML.OnnxRuntime.Managed", dependencies);
            Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", dependencies); // the application picks CPU or GPU
        }

        using ZipArchive symbolZip = ZipFile.OpenRead(symbols);
        Assert.Contains(symbolZip.Entries, e => e.FullName == "lib/net10.0/NeuroSync.pdb");
    }

    /// <summary>Runs the dotnet executable that runs these tests, and returns its standard output; fails with both outputs
    /// when it exits with an error or runs past the step timeout.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No MSBuild node or compiler server may outlive the step: one would hold the redirected output open.
        if (arguments[0] is "pack" or "build")
        {
            start.ArgumentList.Add("--disable-build-servers");
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        // The test host may inherit the paths of the MSBuild that started it; the child finds its own.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");

        string command = $"dotnet {string.Join(' ', arguments)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command}: could not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        string output = await stdout;
        string errors = await stderr;
        if (timedOut || process.ExitCode != 0)
        {
            string verdict = timedOut ? $"expected to finish within {StepTimeout}, killed" : $"expected exit code 0, found {process.ExitCode}";
            Assert.Fail($"{command} (in {workingDirectory}): {verdict}\n--- stdout ---\n{output}\n--- stderr ---\n{errors}");
        }

        return output;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuroSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"{AppContext.BaseDirectory}: expected to be inside the repository (NeuroSync.sln above it), found none");
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(dir);
            if (name is not ("bin" or "obj"))
            {
                CopyDirectory(dir, Path.Combine(destination, name));
            }
        }
    }

    /// <summary>Deletes this run's NeuroSync package from NuGet's global packages folder (the one the consumer's restore
    /// used, as its assets file records), so runs do not pile up unique versions there. Best effort.</summary>
    private static void RemoveFromGlobalPackagesFolder(string assetsFile, string version)
    {
        try
        {
            if (!File.Exists(assetsFile))
            {
                return;
            }

            using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
            foreach (JsonProperty folder in assets.RootElement.GetProperty("packageFolders").EnumerateObject())
            {
                foreach (string id in new[] { "neurosync", "neurosync.models.lite" })
                {
                    string package = Path.Combine(folder.Name, id, version.ToLowerInvariant());
                    if (Directory.Exists(package))
                    {
                        Directory.Delete(package, recursive: true);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException)
        {
            // Leaves one small folder behind; a later run uses another version anyway.
        }
    }
}
