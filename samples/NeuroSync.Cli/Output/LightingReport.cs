namespace NeuroSync.Cli.Output;

/// <summary>The lighting probe of a frame: luma statistics on a 0 to 255 scale.</summary>
/// <param name="MeanLuma">The mean luma; low means a dark frame.</param>
/// <param name="LumaStdDev">The standard deviation of the luma; low means a near-uniform frame (a covered camera).</param>
internal sealed record LightingReport(double MeanLuma, double LumaStdDev);
