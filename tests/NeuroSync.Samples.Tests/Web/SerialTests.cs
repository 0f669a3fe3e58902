namespace NeuroSync.Samples.Tests.Web;

/// <summary>The tests that drive Chromium or many live sessions, and the OpenTelemetry test: run one at a time, after the
/// other tests and alone, so that a loaded 2-core machine only slows them down, and so that the memory the live tests
/// measure and the metrics the OpenTelemetry test sees are theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Browser and live sessions";
}
