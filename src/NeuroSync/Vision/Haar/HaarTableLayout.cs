namespace NeuroSync.Vision;

/// <summary>
/// Where the integral-table entry of column x, row y lies relative to a level's origin in the canvas. Plain: <c>y * Stride + x</c>.
/// Split (levels searched at a step of 2): even columns first, then odd columns from <see cref="Half"/> on, so that the windows at
/// x, x + 2, ..., x + 14 read eight neighbouring entries for every corner, one vector load instead of eight scattered ones.
/// </summary>
/// <param name="Stride">The canvas's row stride, in entries.</param>
/// <param name="Split">Whether even and odd columns are stored apart.</param>
internal readonly record struct HaarTableLayout(int Stride, bool Split)
{
    /// <summary>Gets where the odd columns of a split row start: entry x = 2k + 1 is stored at <c>Half + k</c>.</summary>
    public int Half => (Stride + 1) / 2;

    /// <summary>Gets the offset of the entry of column <paramref name="x"/> in row <paramref name="y"/>.</summary>
    /// <param name="x">The column, 0 to the level's width.</param>
    /// <param name="y">The row, 0 to the level's height.</param>
    /// <returns>The offset from the level's origin.</returns>
    public int Offset(int x, int y) => (y * Stride) + Column(x);

    /// <summary>Gets the offset of column <paramref name="x"/> within a row.</summary>
    /// <param name="x">The column.</param>
    /// <returns>The offset from the row's first entry.</returns>
    public int Column(int x) => Split ? ((x & 1) * Half) + (x >> 1) : x;
}
