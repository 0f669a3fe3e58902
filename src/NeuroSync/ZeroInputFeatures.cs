namespace NeuroSync;

/// <summary>
/// An encoder's output for an all-zero input, computed once by running the encoder and kept: a silent clip or a clip
/// without frames then costs no encoder run, with features identical to running it. Thread-safe; a failed or cancelled
/// first computation is retried by the next caller.
/// </summary>
internal sealed class ZeroInputFeatures(Func<CancellationToken, ValueTask<FeatureMatrix>> compute) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FeatureMatrix? _features;

    /// <summary>Gets the cached features; the caller must not dispose them.</summary>
    public async ValueTask<FeatureMatrix> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _features) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_features is null)
            {
                using FeatureMatrix computed = await compute(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _features, new FeatureMatrix(computed.Memory.ToArray(), computed.Rows, computed.Columns));
            }

            return _features;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
