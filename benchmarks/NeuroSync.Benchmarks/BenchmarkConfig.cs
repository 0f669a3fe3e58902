using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace NeuroSync.Benchmarks;

/// <summary>The one configuration every benchmark runs with, and the <c>--job compare</c> job.</summary>
/// <remarks>BenchmarkDotNet's <c>--job short</c> (3 warm-ups, 3 iterations, 1 launch) gives a quick run; without a job the
/// default one runs until the results are statistically stable. <c>--job compare</c> (<see cref="CompareJob"/>) is ours: it is
/// what <c>tools/bench/compare.sh</c> uses, and it finishes the whole suite with real-size models on a 2-core machine in
/// well under 15 minutes while giving 7 measured iterations per row (enough for a min/median/max).</remarks>
public static class BenchmarkConfig
{
    /// <summary>The value of <c>--job</c> that selects <see cref="CompareJob"/>.</summary>
    public const string CompareJobName = "compare";

    /// <summary>Gets the job of <c>--job compare</c>: 1 launch, 2 warm-ups, 7 iterations of at least 250 ms each (one call
    /// per iteration for anything slower, so a 2 s end-to-end row costs about 10 calls plus the model load).</summary>
    public static Job CompareJob { get; } = Job.Default
        .WithId("Compare")
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(7)
        .WithIterationTime(TimeInterval.FromMilliseconds(250));

    /// <summary>Builds the configuration: the default columns plus allocated bytes per operation (preprocessing should allocate
    /// next to nothing per frame). Each class gets its own table, so its Ratio column compares with its own baseline.</summary>
    /// <returns>The configuration.</returns>
    public static IConfig Create() => DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);

    /// <summary>Builds the configuration for the command line: <c>--job compare</c> (or <c>--job=compare</c>) is taken out of
    /// <paramref name="args"/> and becomes <see cref="CompareJob"/>; every other argument is left for BenchmarkDotNet.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The arguments BenchmarkDotNet should parse, and the configuration.</returns>
    public static (string[] Args, IConfig Config) FromCommandLine(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>(args.Length);
        bool compare = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], "--job=" + CompareJobName, StringComparison.OrdinalIgnoreCase))
            {
                compare = true;
            }
            else if ((args[i] == "--job" || args[i] == "-j") && i + 1 < args.Length
                && string.Equals(args[i + 1], CompareJobName, StringComparison.OrdinalIgnoreCase))
            {
                compare = true;
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        IConfig config = Create();
        return ([.. rest], compare ? config.AddJob(CompareJob) : config);
    }
}
