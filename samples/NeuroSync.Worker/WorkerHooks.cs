namespace NeuroSync.Worker;

/// <summary>Points where tests watch or hold the worker; all empty in the application.</summary>
internal sealed class WorkerHooks
{
    /// <summary>Gets or sets a callback after each window row is written (the video, the stopping token); awaited.</summary>
    public Func<string, CancellationToken, Task>? WindowWritten { get; set; }

    /// <summary>Gets or sets a callback after a video's result file is published (the video).</summary>
    public Action<string>? Completed { get; set; }

    /// <summary>Gets or sets a callback after a video is set aside as failed (the video).</summary>
    public Action<string>? Failed { get; set; }
}
