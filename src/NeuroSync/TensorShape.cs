namespace NeuroSync;

/// <summary>Formats tensor shapes for error messages, the same way everywhere.</summary>
internal static class TensorShape
{
    /// <summary>Formats a shape as <c>[1, 3, 224, 224]</c>.</summary>
    /// <param name="shape">The dimensions (-1 where a dimension varies).</param>
    /// <returns>The text.</returns>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
