using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace NeuroSync.Benchmarks;

/// <summary>The one configuration every benchmark runs with.</summary>
/// <remarks>BenchmarkDotNet's <c>--job short</c> (3 warm-ups, 3 iterations, 1 launch) gives a quick run; without it the default
/// job runs until the results are statistically stable.</remarks>
public static class BenchmarkConfig
{
    /// <summary>Builds the configuration: the default columns plus allocated bytes per operation (preprocessing should allocate
    /// next to nothing per frame). Each class gets its own table, so its Ratio column compares with its own baseline.</summary>
    /// <returns>The configuration.</returns>
    public static IConfig Create() => DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
}
