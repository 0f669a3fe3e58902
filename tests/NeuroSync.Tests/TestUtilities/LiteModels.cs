namespace NeuroSync.Tests.TestUtilities;

/// <summary>The committed lite model set (models/lite), copied next to the tests.</summary>
internal static class LiteModels
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Models", "lite");

    public static string File(string name) => Path.Combine(Folder, name);
}
