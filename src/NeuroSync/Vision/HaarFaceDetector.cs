using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// Thread-safe: every call works in its own pooled buffers.
/// </remarks>
public sealed class HaarFaceDetector : IFaceDetector
{
    // OpenCV's groupRectangles eps for detectMultiScale.
    private const double GroupEps = 0.2;

    private readonly HaarCascade _cascade;
    private readonly HaarDetectorOptions _options;

    /// <summary>Creates a detector.</summary>
    /// <param name="cascade">The cascade; <see cref="HaarCascade.FrontalFaceDefault"/> when <see langword="null"/>.</param>
    /// <param name="options">The settings; the original system's when <see langword="null"/>. Copied and validated.</param>
    public HaarFaceDetector(HaarCascade? cascade = null, HaarDetectorOptions? options = null)
    {
        _cascade = cascade ?? HaarCascade.FrontalFaceDefault;
        _options = options?.Clone() ?? new HaarDetectorOptions();
        _options.Validate();
    }

    /// <inheritdoc/>
    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        byte[] gray = ArrayPool<byte>.Shared.Rent(width * height);
        try
        {
            GrayscaleConverter.ToGray(image, gray);
            return DetectFaces(gray.AsSpan(0, width * height), width, height, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(gray);
        }
    }

    /// <summary>Finds faces in an 8-bit grayscale image.</summary>
    /// <param name="gray">The pixels, row-major, <paramref name="width"/> bytes per row.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="cancellationToken">Cancels the search between pyramid levels.</param>
    /// <returns>The faces found, in pixel coordinates.</returns>
    internal IReadOnlyList<FaceBox> DetectFaces(ReadOnlySpan<byte> gray, int width, int height, CancellationToken cancellationToken = default)
    {
        var candidates = DetectCandidates(gray, width, height, cancellationToken);
        return _options.MinNeighbors <= 0
            ? candidates.ConvertAll(r => new FaceBox(r.X, r.Y, r.Width, r.Height))
            : RectangleGrouping.Group(candidates, _options.MinNeighbors, GroupEps);
    }

    /// <summary>Every window that passes all stages, before grouping (OpenCV's <c>detectMultiScaleNoGrouping</c>).</summary>
    internal List<FaceBox> DetectCandidates(ReadOnlySpan<byte> gray, int width, int height, CancellationToken cancellationToken)
    {
        var found = new List<FaceBox>();
        int winW = _cascade.WindowWidth, winH = _cascade.WindowHeight;
        if (width < winW || height < winH)
        {
            return found;
        }

        int maxW = _options.MaxFaceSize > 0 ? _options.MaxFaceSize : width;
        int maxH = _options.MaxFaceSize > 0 ? _options.MaxFaceSize : height;
        var scales = new List<float>();
        for (double factor = 1; ; factor *= _options.ScaleFactor)
        {
            int ww = RoundToEven(winW * factor), wh = RoundToEven(winH * factor);
            if (ww > maxW || wh > maxH || ww > width || wh > height)
            {
                break;
            }

            if (ww < _options.MinFaceSize || wh < _options.MinFaceSize)
            {
                continue;
            }

            scales.Add((float)factor);
        }

        if (scales.Count == 0)
        {
            return found;
        }

        int firstW = RoundToEven(width / scales[0]), firstH = RoundToEven(height / scales[0]);
        byte[] scaled = ArrayPool<byte>.Shared.Rent(firstW * firstH);
        int[] sum = ArrayPool<int>.Shared.Rent((firstW + 1) * (firstH + 1));
        int[] squares = ArrayPool<int>.Shared.Rent((firstW + 1) * (firstH + 1));
        ScaledStump[] stumps = ArrayPool<ScaledStump>.Shared.Rent(_cascade.Stumps.Length);
        try
        {
            foreach (float scale in scales)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int sw = RoundToEven(width / scale), sh = RoundToEven(height / scale);
                BilinearResizer.ResizeExact(gray, width, height, scaled, sw, sh);
                int stride = sw + 1;
                IntegralImage.Compute(scaled.AsSpan(0, sw * sh), sw, sh, sum, squares);
                ScanScale(scale, sw, sh, stride, sum, squares, stumps, found);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scaled);
            ArrayPool<int>.Shared.Return(sum);
            ArrayPool<int>.Shared.Return(squares);
            ArrayPool<ScaledStump>.Shared.Return(stumps);
        }

        return found;
    }

    private void ScanScale(float scale, int sw, int sh, int stride, int[] sum, int[] squares, ScaledStump[] stumps, List<FaceBox> found)
    {
        int winW = _cascade.WindowWidth, winH = _cascade.WindowHeight;
        HaarStump[] source = _cascade.Stumps;
        HaarFeature[] features = _cascade.Features;
        for (int i = 0; i < source.Length; i++)
        {
            stumps[i] = new ScaledStump(source[i], features[source[i].FeatureIndex], stride);
        }

        var norm = new RectOffsets(new HaarRect(1, 1, winW - 2, winH - 2, 0), stride);
        double normArea = (winW - 2) * (winH - 2);

        int step = scale >= 2 ? 1 : 2;
        int workW = Math.Max(sw + 1 - winW, 0), workH = Math.Max(sh + 1 - winH, 0);
        int boxW = RoundToEven(winW * scale), boxH = RoundToEven(winH * scale);
        for (int y = 0; y < workH; y += step)
        {
            for (int x = 0; x < workW; x += step)
            {
                int result = EvaluateWindow(x, y, sw, sh, stride, sum, squares, stumps, norm, normArea);
                if (result > 0)
                {
                    found.Add(new FaceBox(RoundToEven(x * scale), RoundToEven(y * scale), boxW, boxH));
                }
                else if (result == 0)
                {
                    // OpenCV skips the next position when the first stage already rejects this one.
                    x += step;
                }
            }
        }
    }

    /// <returns>1 when every stage passes, -1 when the window is off the image or flat, else minus the failing stage index.</returns>
    private int EvaluateWindow(int x, int y, int sw, int sh, int stride, int[] sum, int[] squares, ScaledStump[] stumps, RectOffsets norm, double normArea)
    {
        if (x + _cascade.WindowWidth >= sw + 1 || y + _cascade.WindowHeight >= sh + 1)
        {
            return -1;
        }

        // The window lies inside the tables (checked above) and every offset inside the window (checked at load),
        // so the reads below skip bounds checks on the hottest loop of the detector.
        ref int window = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sum), (y * stride) + x);
        ref int windowSq = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(squares), (y * stride) + x);
        int windowSum = norm.Sum(ref window);
        uint windowSquares = unchecked((uint)norm.Sum(ref windowSq));
        double nf = (normArea * windowSquares) - ((double)windowSum * windowSum);
        if (nf <= 0)
        {
            return -1;
        }

        float varianceNorm = (float)(1.0 / Math.Sqrt(nf));
        if (!(normArea * varianceNorm < 1e-1))
        {
            return -1;
        }

        HaarStage[] stages = _cascade.Stages;
        ref ScaledStump stump = ref MemoryMarshal.GetArrayDataReference(stumps);
        for (int s = 0; s < stages.Length; s++)
        {
            HaarStage stage = stages[s];
            double stageSum = 0;
            for (int i = 0; i < stage.StumpCount; i++, stump = ref Unsafe.Add(ref stump, 1))
            {
                // Single-precision products and sums in OpenCV's order, so threshold decisions match bit for bit.
                float value = (stump.W0 * (float)stump.R0.Sum(ref window)) + (stump.W1 * (float)stump.R1.Sum(ref window));
                if (stump.W2 != 0f)
                {
                    value += stump.W2 * (float)stump.R2.Sum(ref window);
                }

                value *= varianceNorm;
                stageSum += value < stump.Threshold ? stump.Left : stump.Right;
            }

            if (stageSum < stage.Threshold)
            {
                return -s;
            }
        }

        return 1;
    }

    private static int RoundToEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    private static int RoundToEven(float value) => (int)MathF.Round(value, MidpointRounding.ToEven);

    /// <summary>The four integral-table offsets of a rectangle, relative to the window's top-left entry.</summary>
    private readonly struct RectOffsets
    {
        private readonly int _topLeft, _topRight, _bottomLeft, _bottomRight;

        public RectOffsets(HaarRect r, int stride)
        {
            if (r.Width == 0)
            {
                return;
            }

            _topLeft = (r.Y * stride) + r.X;
            _topRight = _topLeft + r.Width;
            _bottomLeft = ((r.Y + r.Height) * stride) + r.X;
            _bottomRight = _bottomLeft + r.Width;
        }

        public int Sum(ref int window) => unchecked(Unsafe.Add(ref window, _topLeft) - Unsafe.Add(ref window, _topRight)
            - Unsafe.Add(ref window, _bottomLeft) + Unsafe.Add(ref window, _bottomRight));
    }

    /// <summary>A stump with its feature's rectangles laid out for one pyramid level, in evaluation order.</summary>
    private readonly struct ScaledStump(HaarStump stump, HaarFeature feature, int stride)
    {
        public readonly RectOffsets R0 = new(feature.R0, stride);
        public readonly RectOffsets R1 = new(feature.R1, stride);
        public readonly RectOffsets R2 = new(feature.R2, stride);
        public readonly float W0 = feature.R0.Weight;
        public readonly float W1 = feature.R1.Weight;
        public readonly float W2 = feature.R2.Weight;
        public readonly float Threshold = stump.Threshold;
        public readonly float Left = stump.Left;
        public readonly float Right = stump.Right;
    }
}
