namespace NeuroSync.Vision;

/// <summary>One pyramid level: the image shrunk by <see cref="Scale"/>, and where its window positions are.</summary>
/// <param name="Scale">The shrink factor, as single precision (as OpenCV keeps it).</param>
/// <param name="Width">The shrunk image's width.</param>
/// <param name="Height">The shrunk image's height.</param>
/// <param name="Origin">The index of the level's integral-table entry (0, 0) in its wave's canvas.</param>
/// <param name="Step">The distance between window positions: 2 below scale 2, else 1.</param>
/// <param name="ScanWidth">Window positions lie at x below this.</param>
/// <param name="ScanHeight">Window positions lie at y below this.</param>
/// <param name="BoxWidth">The width of a detection at this level, in pixels of the original image.</param>
/// <param name="BoxHeight">The height of a detection at this level, in pixels of the original image.</param>
internal readonly record struct HaarLevel(float Scale, int Width, int Height, int Origin, int Step, int ScanWidth, int ScanHeight, int BoxWidth, int BoxHeight);
