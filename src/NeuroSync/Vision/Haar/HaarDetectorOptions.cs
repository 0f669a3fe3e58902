namespace NeuroSync.Vision;

/// <summary>Settings of <see cref="HaarFaceDetector"/>; the defaults are those of the original system
/// (<c>detectMultiScale(scaleFactor: 1.1, minNeighbors: 5)</c>).</summary>
public sealed class HaarDetectorOptions
{
    /// <summary>Gets or sets how much the search window grows from one scale to the next; greater than 1. Default 1.1.</summary>
    public double ScaleFactor { get; set; } = 1.1;

    /// <summary>Gets or sets how many overlapping raw detections a face needs to be reported; 0 reports raw detections. Default 5.</summary>
    public int MinNeighbors { get; set; } = 5;

    /// <summary>Gets or sets the smallest face side searched for, in pixels; 0 means the cascade's window. Default 0.</summary>
    public int MinFaceSize { get; set; }

    /// <summary>Gets or sets the largest face side searched for, in pixels; 0 means the whole image. Default 0.</summary>
    public int MaxFaceSize { get; set; }

    /// <summary>Gets or sets how many threads one detection may use; 0 (the default) means one per processor
    /// (<see cref="Environment.ProcessorCount"/>), 1 searches on the calling thread only.</summary>
    /// <remarks>The detections do not depend on this setting: the work is cut into the same pieces whatever the number of
    /// threads, and their results are joined in a fixed order. On a server that already runs one detection per core, 1 avoids
    /// oversubscribing the thread pool.</remarks>
    public int MaxDegreeOfParallelism { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(ScaleFactor > 1.0 && ScaleFactor <= 4.0))
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleFactor), ScaleFactor, "HaarDetectorOptions.ScaleFactor: expected a value in (1, 4]; 1.1 reproduces the original system.");
        }

        if (MinNeighbors < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinNeighbors), MinNeighbors, "HaarDetectorOptions.MinNeighbors: expected 0 or more; 5 reproduces the original system.");
        }

        if (MinFaceSize < 0 || MaxFaceSize < 0 || (MaxFaceSize > 0 && MaxFaceSize < MinFaceSize))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFaceSize), $"HaarDetectorOptions: expected 0 <= MinFaceSize <= MaxFaceSize (or MaxFaceSize 0), found {MinFaceSize} and {MaxFaceSize}.");
        }

        if (MaxDegreeOfParallelism < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "HaarDetectorOptions.MaxDegreeOfParallelism: expected 0 (one thread per processor) or more; 1 searches on the calling thread only.");
        }
    }

    /// <summary>Copies the settings.</summary>
    /// <returns>An independent copy.</returns>
    public HaarDetectorOptions Clone() => (HaarDetectorOptions)MemberwiseClone();
}
