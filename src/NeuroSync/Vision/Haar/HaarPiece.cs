namespace NeuroSync.Vision;

/// <summary>A piece of scanning work: the window rows <see cref="FirstRow"/> to <see cref="EndRow"/> (exclusive) of one level.</summary>
/// <param name="Level">The index of the level in <see cref="HaarPyramid.Levels"/>.</param>
/// <param name="FirstRow">The first row of window positions, a multiple of the level's step.</param>
/// <param name="EndRow">The row after the last.</param>
internal readonly record struct HaarPiece(int Level, int FirstRow, int EndRow);
