namespace NeuroSync.Cli.Output;

/// <summary>The time per stage of one recognition, in milliseconds (rounded to the microsecond).</summary>
/// <param name="AudioPreprocessing">Resampling, gating and normalising the audio.</param>
/// <param name="VideoPreprocessing">Sampling frames, lighting checks, face detection, cropping and normalising.</param>
/// <param name="AudioEncoder">Running the audio encoder (0 when its cached output for silence was used).</param>
/// <param name="VisualEncoder">Running the visual encoder (0 when its cached output for blank frames was used).</param>
/// <param name="Fusion">Running the fusion head and post-processing.</param>
/// <param name="Total">The whole recognition. On the CPU the audio and video paths run one after the other, so the stages add up to
/// at most the total; when they overlap (an encoder on a GPU, or <see cref="ModalityScheduling.Overlapped"/>) they can add up to more.</param>
internal sealed record StageTimingsReport(double AudioPreprocessing, double VideoPreprocessing, double AudioEncoder, double VisualEncoder, double Fusion, double Total)
{
    /// <summary>Converts stage timings.</summary>
    /// <param name="timings">The timings.</param>
    /// <returns>The printed form.</returns>
    public static StageTimingsReport From(StageTimings timings) => new(
        Milliseconds(timings.AudioPreprocessing),
        Milliseconds(timings.VideoPreprocessing),
        Milliseconds(timings.AudioEncoder),
        Milliseconds(timings.VisualEncoder),
        Milliseconds(timings.Fusion),
        Milliseconds(timings.Total));

    private static double Milliseconds(TimeSpan time) => Math.Round(time.TotalMilliseconds, 3);
}
