using NeuroSync.Evaluation;

namespace NeuroSync.Cli.Output;

/// <summary>What <c>evaluate</c> reports: the run, the scores with their baselines beside them, the scores of each label,
/// the confusion matrix, and one row per item done.</summary>
/// <param name="Models">The model folder as given.</param>
/// <param name="ModelSet">The model set's name (from its manifest).</param>
/// <param name="Data">The <c>labels.csv</c> as given.</param>
/// <param name="Kind">What each row names: <c>faces</c>, <c>speech</c> or <c>clips</c>.</param>
/// <param name="Mode">The recognition mode: <c>robust</c> or <c>original</c>.</param>
/// <param name="Complete">Whether every item was run (false after Ctrl+C: the scores then cover the items done).</param>
/// <param name="Items">The rows to run, after <c>--drop</c>.</param>
/// <param name="Dropped">The rows left out by <c>--drop</c>.</param>
/// <param name="Done">The rows run (all of them unless cancelled).</param>
/// <param name="Scored">The rows run with a prediction: the n of every score.</param>
/// <param name="Failed">The rows run whose input could not be read (each named on stderr and in <paramref name="Rows"/>); not scored.</param>
/// <param name="Parallel">The most rows run at once.</param>
/// <param name="ElapsedSeconds">The time the rows took, models already loaded.</param>
/// <param name="Labels">The labels scored (the model set's).</param>
/// <param name="Scores">Accuracy, UAR and macro-F1 of the reported labels.</param>
/// <param name="Majority">The same for always predicting the most frequent gold label.</param>
/// <param name="Chance">The same, expected, for guessing uniformly among the labels with support.</param>
/// <param name="RawLabelScores">The scores of the raw labels (the arg-max before the silence override).</param>
/// <param name="Classes">Precision, recall, F1, support and predicted count of each label.</param>
/// <param name="Confusion">The confusion matrix of the reported labels.</param>
/// <param name="Rows">One row per item done, in <c>labels.csv</c> order.</param>
internal sealed record EvaluationReport(
    string Models,
    string ModelSet,
    string Data,
    string Kind,
    string Mode,
    bool Complete,
    int Items,
    int Dropped,
    int Done,
    int Scored,
    int Failed,
    int Parallel,
    double ElapsedSeconds,
    IReadOnlyList<string> Labels,
    ScoresReport Scores,
    MajorityBaselineReport Majority,
    ScoresReport Chance,
    ScoresReport RawLabelScores,
    IReadOnlyList<ClassScores> Classes,
    ConfusionReport Confusion,
    IReadOnlyList<EvaluationItemReport> Rows);
