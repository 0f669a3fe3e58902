namespace NeuroSync.Cli.Output;

/// <summary>How much each modality moved a prediction (see <see cref="ModalityContributions"/>).</summary>
/// <param name="Audio">The total variation distance (0 to 1) between the scores and those with the audio replaced by silence.</param>
/// <param name="Video">The same with the frames replaced by blank frames.</param>
internal sealed record ContributionsReport(float Audio, float Video);
