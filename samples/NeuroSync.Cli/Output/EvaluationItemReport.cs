namespace NeuroSync.Cli.Output;

/// <summary>One row of a labelled data set and what the recognizer made of it.</summary>
/// <param name="File">The path as <c>labels.csv</c> writes it.</param>
/// <param name="Line">The line of <c>labels.csv</c> the row starts on.</param>
/// <param name="Gold">The gold label, after <c>--map</c>.</param>
/// <param name="Predicted">The reported label (what is scored), or <see langword="null"/> when the input could not be read.</param>
/// <param name="RawLabel">The arg-max label before any override, or <see langword="null"/>.</param>
/// <param name="Confidence">The probability of <paramref name="RawLabel"/>, or <see langword="null"/>.</param>
/// <param name="Mask">The modality mask in words (<c>audio: missing, video: available</c>), or <see langword="null"/>.</param>
/// <param name="Error">Why the input could not be read, or <see langword="null"/>.</param>
internal sealed record EvaluationItemReport(string File, int Line, string Gold, string? Predicted, string? RawLabel, float? Confidence, string? Mask, string? Error);
