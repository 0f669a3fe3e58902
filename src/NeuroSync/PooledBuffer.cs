using System.Buffers;

namespace NeuroSync;

/// <summary>An <see cref="ArrayPool{T}"/> rental exposed as exactly <c>length</c> elements; returned once on dispose.</summary>
internal sealed class PooledBuffer<T> : IMemoryOwner<T>
{
    private T[]? _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        _length = length;
        _array = ArrayPool<T>.Shared.Rent(length);
    }

    public Memory<T> Memory => _array is { } array ? array.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(PooledBuffer<T>));

    public Span<T> Span => Memory.Span;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }
}
