using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NeuroSync.Web;

/// <summary>The <c>model-set</c> health check: healthy when the model set loaded at start-up, unhealthy with the reason
/// when it did not (<see cref="ModelSetStatus"/>).</summary>
/// <param name="status">The outcome of the load.</param>
internal sealed class ModelSetHealthCheck(ModelSetStatus status) : IHealthCheck
{
    /// <summary>The check's name in <c>/healthz</c>.</summary>
    public const string Name = "model-set";

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Failure is { } failure
            ? HealthCheckResult.Unhealthy($"the model set failed to load: {failure}")
            : HealthCheckResult.Healthy($"model set '{status.Metadata?.ModelSetName}' loaded ({status.Metadata?.ExecutionProvider})"));
}
