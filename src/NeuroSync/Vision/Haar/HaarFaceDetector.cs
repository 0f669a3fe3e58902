using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>
/// Finds faces with a Haar cascade the way OpenCV's <c>CascadeClassifier.detectMultiScale</c> does: grayscale with OpenCV's
/// weights, an image pyramid shrunk by <see cref="HaarDetectorOptions.ScaleFactor"/> with OpenCV's bilinear resize, a 24x24
/// window stepped by 2 pixels (1 from scale 2 on), variance-normalised stump stages, and OpenCV's rectangle grouping.
/// </summary>
/// <remarks>
/// Hand-written because no .NET package evaluates OpenCV cascades without OpenCV's native library, and the original system's
/// behaviour (which face is the largest, and whether one is found at all) depends on reproducing it closely.
/// Thread-safe: every call works in its own pooled buffers, and the only state shared between calls (the pyramid plan and the
/// cascade layout of the last image size) is immutable. How it is made fast: <c>src/NeuroSync/Vision/Haar/README.md</c>. A call searches on up to <see cref="HaarDetectorOptions.MaxDegreeOfParallelism"/>
/// threads; its result does not depend on that number or on scheduling, because each piece of work writes its own list and the
/// lists are joined in a fixed order.
/// </remarks>
public sealed class HaarFaceDetector : IFaceDetector
{
    // OpenCV's groupRectangles eps for detectMultiScale.
    private const double GroupEps = 0.2;

    private readonly HaarCascade _cascade;
    private readonly HaarDetectorOptions _options;
    private readonly int _threads;
    private Layout? _layout;

    /// <summary>Creates a detector with OpenCV's <c>haarcascade_frontalface_default.xml</c>, built into the assembly.</summary>
    /// <param name="options">The settings; the original system's when <see langword="null"/>. Copied and validated.</param>
    public HaarFaceDetector(HaarDetectorOptions? options = null)
        : this(null, options)
    {
    }

    /// <summary>Creates a detector with another cascade.</summary>
    /// <param name="cascade">The cascade; <see cref="HaarCascade.FrontalFaceDefault"/> when <see langword="null"/>.</param>
    /// <param name="options">The settings; the original system's when <see langword="null"/>. Copied and validated.</param>
    internal HaarFaceDetector(HaarCascade? cascade, HaarDetectorOptions? options)
    {
        _cascade = cascade ?? HaarCascade.FrontalFaceDefault;
        _options = options?.Clone() ?? new HaarDetectorOptions();
        _options.Validate();
        _threads = _options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : _options.MaxDegreeOfParallelism;
    }

    /// <summary>Gets or sets a value indicating whether the cascade runs on eight windows at once where the processor has
    /// 256-bit vectors; tests turn it off to compare with the scalar path.</summary>
    internal bool UseVectors { get; init; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        byte[] gray = ArrayPool<byte>.Shared.Rent(width * height);
        try
        {
            GrayscaleConverter.ToGray(image, gray);
            return DetectFaces(gray.AsMemory(0, width * height), width, height, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(gray);
        }
    }

    /// <summary>Finds faces in an 8-bit grayscale image.</summary>
    /// <param name="gray">The pixels, row-major, <paramref name="width"/> bytes per row; not changed.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="cancellationToken">Cancels the search between pieces of work.</param>
    /// <returns>The faces found, in pixel coordinates.</returns>
    internal IReadOnlyList<FaceBox> DetectFaces(ReadOnlyMemory<byte> gray, int width, int height, CancellationToken cancellationToken = default)
    {
        var candidates = DetectCandidates(gray, width, height, cancellationToken);
        return _options.MinNeighbors <= 0
            ? candidates.ConvertAll(r => new FaceBox(r.X, r.Y, r.Width, r.Height))
            : RectangleGrouping.Group(candidates, _options.MinNeighbors, GroupEps);
    }

    /// <summary>Every window that passes all stages, before grouping (OpenCV's <c>detectMultiScaleNoGrouping</c>), in the order
    /// of a sequential scan: level by level, row by row, left to right.</summary>
    internal List<FaceBox> DetectCandidates(ReadOnlyMemory<byte> gray, int width, int height, CancellationToken cancellationToken)
    {
        if (gray.Length < width * height)
        {
            throw new ArgumentException($"Gray image: expected {width * height} bytes for {width}x{height}, found {gray.Length}.", nameof(gray));
        }

        var found = new List<FaceBox>();
        Layout? layout = LayoutFor(width, height);
        if (layout is null)
        {
            return found;
        }

        HaarPyramid pyramid = layout.Pyramid;
        int[] sum = ArrayPool<int>.Shared.Rent(pyramid.Length);
        int[] squares = ArrayPool<int>.Shared.Rent(pyramid.Length);
        try
        {
            for (int w = 0; w + 1 < pyramid.WaveStarts.Length; w++)
            {
                BuildLevels(gray, pyramid, w, sum, squares, cancellationToken);
                ScanLevels(layout, w, sum, squares, found, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sum);
            ArrayPool<int>.Shared.Return(squares);
        }

        return found;
    }

    /// <summary>Gets the pyramid and the cascade laid out for an image size, reusing the last ones when the size is the same (it
    /// is for every frame of a video), so that a call allocates next to nothing. Both are immutable and the field is replaced
    /// atomically, so racing calls at worst build the same layout twice.</summary>
    private Layout? LayoutFor(int width, int height)
    {
        Layout? cached = Volatile.Read(ref _layout);
        if (cached is not null && cached.Pyramid.Width == width && cached.Pyramid.Height == height)
        {
            return cached;
        }

        HaarPyramid? pyramid = HaarPyramid.Plan(width, height, _cascade.WindowWidth, _cascade.WindowHeight, _options);
        if (pyramid is null)
        {
            return null;
        }

        var layout = cached?.Plain.Layout.Stride == pyramid.Stride
            ? cached with { Pyramid = pyramid }
            : new Layout(
                pyramid,
                new HaarWindowClassifier(_cascade, new HaarTableLayout(pyramid.Stride, Split: false)),
                new HaarWindowClassifier(_cascade, new HaarTableLayout(pyramid.Stride, Split: true)));
        Volatile.Write(ref _layout, layout);
        return layout;
    }

    /// <summary>Shrinks the image to every level of a wave (OpenCV's exact bilinear resize) and computes the level's integral
    /// tables in its place on the canvas; levels are independent, so they are built in parallel.</summary>
    private void BuildLevels(ReadOnlyMemory<byte> gray, HaarPyramid pyramid, int wave, int[] sum, int[] squares, CancellationToken cancellationToken)
    {
        HaarLevel[] levels = pyramid.Levels;
        int width = pyramid.Width, height = pyramid.Height;
        int firstLevel = pyramid.WaveStarts[wave], endLevel = pyramid.WaveStarts[wave + 1];
        int scratchLength = levels[firstLevel].Width * levels[firstLevel].Height;
        if (_threads == 1)
        {
            byte[] scratch = ArrayPool<byte>.Shared.Rent(scratchLength);
            try
            {
                for (int i = firstLevel; i < endLevel; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    BuildLevel(gray.Span, width, height, levels[i], pyramid.Stride, scratch, sum, squares);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            return;
        }

        Parallel.For(firstLevel, endLevel, WithToken(cancellationToken), i =>
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                // One rental per level (a pool hit after the first frame) costs less than Parallel.For's per-thread state.
                byte[] scratch = ArrayPool<byte>.Shared.Rent(scratchLength);
                try
                {
                    BuildLevel(gray.Span, width, height, levels[i], pyramid.Stride, scratch, sum, squares);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }
        });
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void BuildLevel(ReadOnlySpan<byte> gray, int width, int height, HaarLevel level, int stride, byte[] scratch, int[] sum, int[] squares)
    {
        ReadOnlySpan<byte> image = gray[..(width * height)];
        if (level.Width != width || level.Height != height)
        {
            BilinearResizer.ResizeExact(gray, width, height, scratch, level.Width, level.Height);
            image = scratch.AsSpan(0, level.Width * level.Height);
        }

        var layout = new HaarTableLayout(stride, Split: level.Step == 2);
        IntegralImage.Compute(image, level.Width, level.Height, sum.AsSpan(level.Origin), squares.AsSpan(level.Origin), layout);
    }

    /// <summary>Runs the cascade at every window position of every level of a wave. The rows of each level are cut into pieces
    /// that threads take in any order; each piece keeps its own detections, and the pieces are joined in scan order.</summary>
    private void ScanLevels(Layout layout, int wave, int[] sum, int[] squares, List<FaceBox> found, CancellationToken cancellationToken)
    {
        HaarPyramid pyramid = layout.Pyramid;
        int firstPiece = pyramid.PieceWaveStarts[wave], endPiece = pyramid.PieceWaveStarts[wave + 1];
        if (_threads == 1)
        {
            for (int p = firstPiece; p < endPiece; p++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                List<FaceBox>? own = found;
                ScanRows(layout, pyramid.Pieces[p], sum, squares, ref own);
            }

            return;
        }

        // A piece that finds nothing (nearly all of them) allocates nothing.
        var results = new List<FaceBox>?[endPiece - firstPiece];
        Parallel.For(firstPiece, endPiece, WithToken(cancellationToken), p =>
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                ScanRows(layout, pyramid.Pieces[p], sum, squares, ref results[p - firstPiece]);
            }
        });
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var piece in results)
        {
            if (piece is not null)
            {
                found.AddRange(piece);
            }
        }
    }

    private void ScanRows(Layout layout, HaarPiece piece, int[] sum, int[] squares, ref List<FaceBox>? found)
    {
        HaarPyramid pyramid = layout.Pyramid;
        HaarLevel level = pyramid.Levels[piece.Level];
        int stride = pyramid.Stride, step = level.Step, scanWidth = level.ScanWidth;

        // Levels at a step of 2 have split tables, where the window at x starts at entry x / 2 (see HaarTableLayout), so eight
        // visited positions x, x + 2, ..., x + 14 are eight neighbouring entries, as eight positions are at a step of 1.
        HaarWindowClassifier classifier = step == 2 ? layout.Split : layout.Plain;
        int shift = step == 2 ? 1 : 0;
        int span = Vector256<int>.Count << shift;
        bool vectors = UseVectors && Vector256.IsHardwareAccelerated;
        Span<int> codes = stackalloc int[Vector256<int>.Count];

        // Every window position lies inside its level's tables (ScanWidth and ScanHeight are the positions whose window fits,
        // and groups of eight are used only where all eight fit), and the level's tables lie inside the rented arrays, so the
        // classifier reads them without bounds checks.
        ref int sumOrigin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sum), level.Origin);
        ref int squaresOrigin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(squares), level.Origin);
        for (int y = piece.FirstRow; y < piece.EndRow; y += step)
        {
            ref int sumRow = ref Unsafe.Add(ref sumOrigin, y * stride);
            ref int squaresRow = ref Unsafe.Add(ref squaresOrigin, y * stride);
            int codesStart = int.MinValue;
            for (int x = 0; x < scanWidth; x += step)
            {
                int column = x >> shift;
                int result;
                if (vectors && x + span - step < scanWidth)
                {
                    // The cascade runs on the eight visited positions from x on at once; the scalar walk still decides which
                    // positions are visited (the skip after a first-stage reject depends on earlier outcomes), so some lanes
                    // go unused.
                    if ((uint)(x - codesStart) >= (uint)span)
                    {
                        classifier.EvaluateEight(ref Unsafe.Add(ref sumRow, column), ref Unsafe.Add(ref squaresRow, column)).CopyTo(codes);
                        codesStart = x;
                    }

                    result = codes[(x - codesStart) >> shift];
                }
                else
                {
                    result = classifier.Evaluate(ref Unsafe.Add(ref sumRow, column), ref Unsafe.Add(ref squaresRow, column));
                }

                if (result > 0)
                {
                    (found ??= []).Add(new FaceBox(HaarPyramid.RoundToEven(x * level.Scale), HaarPyramid.RoundToEven(y * level.Scale), level.BoxWidth, level.BoxHeight));
                }
                else if (result == 0)
                {
                    // OpenCV skips the next position when the first stage already rejects this one.
                    x += step;
                }
            }
        }
    }

    private ParallelOptions WithToken(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };

    /// <summary>What the detector keeps between calls: the pyramid of the last image size and the cascade laid out for its
    /// stride, for plain tables (levels at a step of 1) and split ones (levels at a step of 2).</summary>
    private sealed record Layout(HaarPyramid Pyramid, HaarWindowClassifier Plain, HaarWindowClassifier Split);
}
