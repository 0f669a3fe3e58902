namespace NeuroSync.Tests.TestUtilities;

/// <summary>Paths of the committed test inputs and golden outputs (see TestData/README.md for their generators).</summary>
internal static class TestFiles
{
    public static string Root { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A folder for a failing test's actual output, ignored by git.</summary>
    public static string ActualOutput(string testName)
    {
        string dir = System.IO.Path.Combine(Root, "..", "..", "..", "..", "TestData", "ActualOutput", testName);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
