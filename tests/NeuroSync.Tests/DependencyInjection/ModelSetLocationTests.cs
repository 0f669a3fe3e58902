using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NeuroSync.DependencyInjection;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.DependencyInjection;

/// <summary>Where <c>AddNeuroSync</c> looks for its model set when it is given no path: the application's <c>models</c>
/// folder, where a model-set package puts its set.</summary>
public sealed class ModelSetLocationTests : IDisposable
{
    private readonly string _app = Directory.CreateTempSubdirectory("neurosync-app-").FullName;

    public void Dispose() => Directory.Delete(_app, recursive: true);

    [Fact]
    public void NoPathNoName_TheOnlySetUnderModels_IsUsed()
    {
        string lite = AddSet("lite");

        Assert.Equal(lite, ModelSetLocation.Resolve(new NeuroSyncOptions(), _app));
    }

    [Fact]
    public void ModelSet_NamesOneOfSeveral()
    {
        AddSet("lite");
        string other = AddSet("original");

        Assert.Equal(other, ModelSetLocation.Resolve(new NeuroSyncOptions { ModelSet = "original" }, _app));
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLocation.Resolve(new NeuroSyncOptions(), _app));
        Assert.Contains("NeuroSync:ModelSet", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[lite, original]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelPath_WinsOverTheModelsFolder()
    {
        AddSet("lite");

        Assert.Equal("/somewhere/else", ModelSetLocation.Resolve(new NeuroSyncOptions { ModelPath = "/somewhere/else", ModelSet = "lite" }, _app));
    }

    [Fact]
    public void NoSet_TheErrorNamesThePackageToAdd()
    {
        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLocation.Resolve(new NeuroSyncOptions(), _app));

        Assert.Contains("dotnet add package NeuroSync.Models.Lite", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NeuroSync:ModelPath", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("../lite")]
    [InlineData("..")]
    public void ModelSet_NotThere_OrAPath_IsRefusedWithTheFix(string name)
    {
        AddSet("lite");

        var ex = Assert.Throws<ModelMismatchException>(() => ModelSetLocation.Resolve(new NeuroSyncOptions { ModelSet = name }, _app));

        Assert.Contains("NeuroSync:ModelSet", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNeuroSync_NoArguments_NoModelPackage_FailsAtStartNamingThePackage()
    {
        // The test program's folder has its sets under Models/ (capital M, for the tests), not under models/, as an
        // application without a model-set package.
        var services = new ServiceCollection();
        services.AddNeuroSync();
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("NeuroSync.Models.Lite", ex.Message, StringComparison.Ordinal);
    }

    private string AddSet(string name)
    {
        string folder = Path.Combine(_app, "models", name);
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(LiteModels.Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }
}
