namespace NeuroSync.Vision;

/// <summary>
/// The image pyramid of one Haar detection: which scales are searched and where each level's integral tables lie in a shared
/// canvas. Every level uses the canvas's row stride, so a feature's corner offsets are the same on every level and are computed
/// once per stride instead of once per level (OpenCV 4 packs its pyramid into one buffer for the same reason). The levels are
/// cut into waves that each fit a canvas of up to three times the first level's table (at most 4 M entries unless the first
/// level needs more), and a wave is built and scanned before the next one reuses the canvas: all of a 640x480 frame's 32
/// levels at once would need 2.2 M entries per table (two 16 MB pool arrays), three waves need 0.9 M (two 4 MB arrays).
/// </summary>
internal sealed class HaarPyramid
{
    // The canvas holds up to this many first-level tables, and at most CanvasEntries entries unless the first level alone
    // needs more; each wave's levels fit in it. Three tables make three waves at 640x480; the cap keeps large images (up to
    // FrameLoader's 40 M pixels) at about the memory of one level, in more waves.
    private const int CanvasInFirstLevels = 3;
    private const int CanvasEntries = 1 << 22;

    // Pieces of scanning work are rows of one level holding about this many window positions: enough to keep the scheduling
    // cost small against the work, and about a hundred pieces per 640x480 frame so that threads finish together.
    private const int PositionsPerPiece = 4096;

    private HaarPyramid(int width, int height, HaarLevel[] levels, int[] waveStarts, int stride, int length)
    {
        Width = width;
        Height = height;
        Levels = levels;
        WaveStarts = waveStarts;
        Stride = stride;
        Length = length;
        var pieces = new List<HaarPiece>();
        PieceWaveStarts = new int[waveStarts.Length];
        for (int w = 0; w + 1 < waveStarts.Length; w++)
        {
            PieceWaveStarts[w] = pieces.Count;
            for (int l = waveStarts[w]; l < waveStarts[w + 1]; l++)
            {
                HaarLevel level = levels[l];
                int positionsPerRow = Math.Max(1, (level.ScanWidth + level.Step - 1) / level.Step);
                int rowsPerPiece = Math.Max(1, PositionsPerPiece / positionsPerRow) * level.Step;
                for (int y = 0; y < level.ScanHeight; y += rowsPerPiece)
                {
                    pieces.Add(new HaarPiece(l, y, Math.Min(y + rowsPerPiece, level.ScanHeight)));
                }
            }
        }

        PieceWaveStarts[^1] = pieces.Count;
        Pieces = [.. pieces];
    }

    /// <summary>Gets the width of the images this pyramid is for.</summary>
    public int Width { get; }

    /// <summary>Gets the height of the images this pyramid is for.</summary>
    public int Height { get; }

    /// <summary>Gets the levels, largest (smallest scale) first; level origins are relative to their wave's canvas.</summary>
    public HaarLevel[] Levels { get; }

    /// <summary>Gets the index of each wave's first level, followed by the number of levels.</summary>
    public int[] WaveStarts { get; }

    /// <summary>Gets the scanning work in scan order (level by level, top to bottom), cut into pieces that threads can take.</summary>
    public HaarPiece[] Pieces { get; }

    /// <summary>Gets the index of each wave's first piece, followed by the number of pieces.</summary>
    public int[] PieceWaveStarts { get; }

    /// <summary>Gets the distance between rows of the canvas, in entries.</summary>
    public int Stride { get; }

    /// <summary>Gets the number of canvas entries the integral tables of the largest wave need.</summary>
    public int Length { get; }

    /// <summary>Chooses the scales as <c>detectMultiScale</c> does and packs their tables into shelves of a canvas as wide as the
    /// first level's table: a level goes to the right of the previous one when it fits, else below the current shelf, else
    /// (when the canvas is full) into a new wave.</summary>
    /// <returns>The pyramid, or <see langword="null"/> when no scale fits the image.</returns>
    public static HaarPyramid? Plan(int width, int height, int windowWidth, int windowHeight, HaarDetectorOptions options)
    {
        if (width < windowWidth || height < windowHeight)
        {
            return null;
        }

        int maxW = options.MaxFaceSize > 0 ? options.MaxFaceSize : width;
        int maxH = options.MaxFaceSize > 0 ? options.MaxFaceSize : height;
        var levels = new List<HaarLevel>();
        var waveStarts = new List<int>();
        int stride = 0, rows = 0, shelfTop = 0, shelfHeight = 0, cursor = 0, usedRows = 0;
        for (double factor = 1; ; factor *= options.ScaleFactor)
        {
            int ww = RoundToEven(windowWidth * factor), wh = RoundToEven(windowHeight * factor);
            if (ww > maxW || wh > maxH || ww > width || wh > height)
            {
                break;
            }

            if (ww < options.MinFaceSize || wh < options.MinFaceSize)
            {
                continue;
            }

            // OpenCV keeps the level's factor in single precision for the level size and the reported boxes.
            float scale = (float)factor;
            int boxW = RoundToEven(windowWidth * scale), boxH = RoundToEven(windowHeight * scale);
            int sw = RoundToEven(width / scale), sh = RoundToEven(height / scale);
            if (levels.Count == 0)
            {
                stride = sw + 1;
                rows = Math.Max(sh + 1, Math.Min(CanvasInFirstLevels * (sh + 1), CanvasEntries / stride));
                waveStarts.Add(0);
            }

            if (cursor + sw + 1 > stride)
            {
                shelfTop += shelfHeight;
                shelfHeight = 0;
                cursor = 0;
            }

            if (shelfTop + sh + 1 > rows)
            {
                waveStarts.Add(levels.Count);
                shelfTop = shelfHeight = cursor = 0;
            }

            int scanW = Math.Max(sw + 1 - windowWidth, 0), scanH = Math.Max(sh + 1 - windowHeight, 0);
            levels.Add(new HaarLevel(scale, sw, sh, (shelfTop * stride) + cursor, scale >= 2 ? 1 : 2, scanW, scanH, boxW, boxH));
            // A level searched at a step of 2 keeps its tables split (see HaarTableLayout), which spreads each row over the
            // whole stride, so nothing goes to its right.
            cursor = scale >= 2 ? cursor + sw + 1 : stride;
            shelfHeight = Math.Max(shelfHeight, sh + 1);
            usedRows = Math.Max(usedRows, shelfTop + shelfHeight);
        }

        if (levels.Count == 0)
        {
            return null;
        }

        waveStarts.Add(levels.Count);
        return new HaarPyramid(width, height, [.. levels], [.. waveStarts], stride, usedRows * stride);
    }

    /// <summary>Rounds half to even, as OpenCV's <c>cvRound</c> does.</summary>
    public static int RoundToEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    /// <summary>Rounds half to even, as OpenCV's <c>cvRound</c> does.</summary>
    public static int RoundToEven(float value) => (int)MathF.Round(value, MidpointRounding.ToEven);
}
