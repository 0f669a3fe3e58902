namespace NeuroSync.Cli.Scoring;

/// <summary>The command line of <c>evaluate</c>, as parsed.</summary>
/// <param name="Models">The model folder or manifest.</param>
/// <param name="Data">The <c>labels.csv</c>.</param>
/// <param name="Kind"><c>faces</c>, <c>speech</c> or <c>clips</c>; <see langword="null"/> to infer it from the first row.</param>
/// <param name="Map">Renamings of gold labels, <c>gold=label</c>.</param>
/// <param name="Drop">Gold labels whose rows are left out.</param>
/// <param name="Mode"><c>robust</c> or <c>original</c>.</param>
/// <param name="Json">Where to write the JSON report, or <see langword="null"/>.</param>
/// <param name="Plot">Where to draw the confusion matrix (an <c>.svg</c> file), or <see langword="null"/>.</param>
/// <param name="Parallel">The most rows run at once.</param>
internal sealed record EvaluationSettings(
    string Models,
    string Data,
    string? Kind,
    IReadOnlyList<string> Map,
    IReadOnlyList<string> Drop,
    string Mode,
    string? Json,
    string? Plot,
    int Parallel);
