using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace NeuroSync.Web.Live;

/// <summary>The live sessions of this server: the limit on how many run at once, and the running ones.</summary>
/// <param name="options">The live options (<see cref="LiveOptions.MaxSessions"/>).</param>
/// <remarks>Thread-safe: one instance serves every handshake.</remarks>
internal sealed class LiveSessionRegistry(IOptions<LiveOptions> options)
{
    private readonly int _maxSessions = options.Value.MaxSessions;
    private readonly ConcurrentDictionary<long, LiveConnection> _running = new();
    private int _reserved;
    private long _nextId;
    private long _closed;

    /// <summary>Gets the sessions holding a place now (running, or between the handshake's check and the socket's end).</summary>
    public int Active => Volatile.Read(ref _reserved);

    /// <summary>Gets how many sessions have started since the server started.</summary>
    public long Opened => Interlocked.Read(ref _nextId);

    /// <summary>Gets how many sessions have ended, their stream disposed and their place given back.</summary>
    public long Closed => Interlocked.Read(ref _closed);

    /// <summary>Gets the running sessions.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<LiveConnection> Running() => [.. _running.Values];

    /// <summary>Takes a place for a new session, unless <see cref="LiveOptions.MaxSessions"/> are taken.</summary>
    /// <returns><see langword="true"/> when a place was taken; give it back with <see cref="Release"/>.</returns>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) <= _maxSessions)
        {
            return true;
        }

        Interlocked.Decrement(ref _reserved);
        return false;
    }

    /// <summary>Numbers a new session.</summary>
    /// <returns>The id.</returns>
    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Records a running session.</summary>
    /// <param name="connection">The session.</param>
    public void Add(LiveConnection connection) => _running[connection.Id] = connection;

    /// <summary>Forgets a session that has ended and gives its place back.</summary>
    /// <param name="connection">The session, or <see langword="null"/> when it never started.</param>
    public void Release(LiveConnection? connection)
    {
        if (connection is not null)
        {
            _running.TryRemove(connection.Id, out _);
            Interlocked.Increment(ref _closed);
        }

        Interlocked.Decrement(ref _reserved);
    }
}
