using System.Buffers;

namespace NeuroSync;

/// <summary>A row-major matrix of features produced by an encoder: one row per time step or frame.</summary>
/// <remarks>Owns its memory when created from an <see cref="IMemoryOwner{T}"/> and releases it on <see cref="Dispose"/>;
/// reading it after disposal is a bug. Not thread-safe for concurrent disposal.</remarks>
public sealed class FeatureMatrix : IDisposable
{
    private IMemoryOwner<float>? _owner;
    private ReadOnlyMemory<float> _memory;

    /// <summary>Creates a matrix over memory the matrix will own and release.</summary>
    /// <param name="owner">The memory; at least <paramref name="rows"/> * <paramref name="columns"/> long.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="columns">The number of columns.</param>
    public FeatureMatrix(IMemoryOwner<float> owner, int rows, int columns)
        : this(owner.Memory, rows, columns)
    {
        _owner = owner;
    }

    /// <summary>Creates a matrix over memory the caller keeps owning (for example a cached array).</summary>
    /// <param name="memory">The values; at least <paramref name="rows"/> * <paramref name="columns"/> long.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="columns">The number of columns.</param>
    public FeatureMatrix(ReadOnlyMemory<float> memory, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (memory.Length < (long)rows * columns)
        {
            throw new ArgumentException($"Feature memory: expected at least {rows} x {columns} = {(long)rows * columns} values, found {memory.Length}.", nameof(memory));
        }

        _memory = memory[..(rows * columns)];
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Gets the number of rows (time steps or frames).</summary>
    public int Rows { get; }

    /// <summary>Gets the number of columns (feature dimension).</summary>
    public int Columns { get; }

    /// <summary>Gets the values, row-major, exactly <see cref="Rows"/> * <see cref="Columns"/> long.</summary>
    public ReadOnlyMemory<float> Memory
    {
        get
        {
            ObjectDisposedException.ThrowIf(_owner is null && _memory.IsEmpty, this);
            return _memory;
        }
    }

    /// <summary>Gets one row.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The row's values.</returns>
    public ReadOnlySpan<float> GetRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return Memory.Span.Slice(row * Columns, Columns);
    }

    /// <summary>Releases the owned memory, if any.</summary>
    public void Dispose()
    {
        _owner?.Dispose();
        _owner = null;
        _memory = default;
    }
}
