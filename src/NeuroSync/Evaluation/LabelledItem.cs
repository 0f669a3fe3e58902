namespace NeuroSync.Evaluation;

/// <summary>One row of a labelled data set: an input file (or folder) and the label a person gave it.</summary>
/// <param name="File">The path as the data set wrote it (relative to the data set's file, or absolute), for reports.</param>
/// <param name="FullPath">The full path of the input.</param>
/// <param name="Label">The gold label.</param>
/// <param name="Line">The line of the data set's file the row starts on (1-based; the header is line 1), for error messages.</param>
public sealed record LabelledItem(string File, string FullPath, string Label, int Line);
