using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroSync.Vision;

/// <summary>
/// A cascade laid out for integral tables of one layout (row stride, and whether even and odd columns are apart): every stump's
/// rectangle corners as offsets from the window's top-left table entry, in evaluation order, in one flat array (OpenCV's
/// "stump" fast path). Immutable, so one instance serves any number of threads; <see cref="HaarFaceDetector"/> keeps the ones
/// for the last image size it saw.
/// </summary>
internal sealed class HaarWindowClassifier
{
    private readonly ScaledStump[] _stumps;
    private readonly int[] _stageEnds;
    private readonly float[] _stageThresholds;
    private readonly RectOffsets _norm;
    private readonly double _normArea;

    public HaarWindowClassifier(HaarCascade cascade, HaarTableLayout layout)
    {
        Layout = layout;
        HaarStump[] stumps = cascade.Stumps;
        HaarFeature[] features = cascade.Features;
        _stumps = new ScaledStump[stumps.Length];
        for (int i = 0; i < stumps.Length; i++)
        {
            _stumps[i] = new ScaledStump(stumps[i], features[stumps[i].FeatureIndex], layout);
        }

        HaarStage[] stages = cascade.Stages;
        _stageEnds = new int[stages.Length];
        _stageThresholds = new float[stages.Length];
        for (int s = 0; s < stages.Length; s++)
        {
            _stageEnds[s] = stages[s].FirstStump + stages[s].StumpCount;
            _stageThresholds[s] = stages[s].Threshold;
        }

        // The variance is taken over the window shrunk by one pixel on every side, as in OpenCV.
        int winW = cascade.WindowWidth, winH = cascade.WindowHeight;
        _norm = new RectOffsets(new HaarRect(1, 1, winW - 2, winH - 2, 0), layout);
        _normArea = (winW - 2) * (winH - 2);
    }

    /// <summary>Gets the layout of the tables this classifier reads.</summary>
    public HaarTableLayout Layout { get; }

    /// <summary>Runs the cascade on one window.</summary>
    /// <param name="window">The sum table's entry at the window's top-left corner; the whole window must lie inside the table.</param>
    /// <param name="windowSquares">The same entry of the squares table.</param>
    /// <returns>1 when every stage passes, -1 when the window is flat, else minus the index of the stage that rejects it
    /// (0 for the first stage, after which the caller skips the next position, as OpenCV does).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Evaluate(ref int window, ref int windowSquares)
    {
        int windowSum = _norm.Sum(ref window);
        uint squares = unchecked((uint)_norm.Sum(ref windowSquares));
        double nf = (_normArea * squares) - ((double)windowSum * windowSum);
        if (nf <= 0)
        {
            return -1;
        }

        float varianceNorm = (float)(1.0 / Math.Sqrt(nf));
        if (!(_normArea * varianceNorm < 1e-1))
        {
            return -1;
        }

        // Stage ends and stumps were built together from the cascade, so these reads stay inside the arrays; skipping the
        // bounds checks matters because this loop is where the detector spends nearly all of its time.
        ref ScaledStump stump = ref MemoryMarshal.GetArrayDataReference(_stumps);
        ref int stageEnd = ref MemoryMarshal.GetArrayDataReference(_stageEnds);
        ref float stageThreshold = ref MemoryMarshal.GetArrayDataReference(_stageThresholds);
        int stageCount = _stageEnds.Length;
        int i = 0;
        for (int s = 0; s < stageCount; s++)
        {
            int end = Unsafe.Add(ref stageEnd, s);
            double stageSum = 0;
            for (; i < end; i++)
            {
                ref ScaledStump st = ref Unsafe.Add(ref stump, i);

                // Single-precision products and sums in OpenCV's order, so threshold decisions match bit for bit. OpenCV skips
                // an absent third rectangle; here its weight and corners are 0, which adds +0 and so changes no decision,
                // and saves a branch the processor cannot predict.
                float value = (st.W0 * (float)st.R0.Sum(ref window)) + (st.W1 * (float)st.R1.Sum(ref window));
                value += st.W2 * (float)st.R2.Sum(ref window);
                value *= varianceNorm;

                // The leaf is chosen with a mask rather than a branch: which side a window falls is data, not a pattern.
                bool left = value < st.Threshold;
                int mask = -Unsafe.As<bool, byte>(ref left);
                stageSum += BitConverter.Int32BitsToSingle((st.LeftBits & mask) | (st.RightBits & ~mask));
            }

            if (stageSum < Unsafe.Add(ref stageThreshold, s))
            {
                return -s;
            }
        }

        return 1;
    }

    /// <summary>Runs the cascade on eight windows side by side, one per lane: the windows whose top-left table entries are
    /// <paramref name="window"/> and the seven entries to its right (in a split layout, every second window position), all
    /// inside the table. Every lane does the arithmetic of
    /// <see cref="Evaluate(ref int, ref int)"/> in the same order and precision (an IEEE single or double operation gives the
    /// same result in a vector lane as in a scalar register, and nothing is fused), so each lane's outcome is the scalar one.
    /// The stages stop as soon as every lane is rejected; lanes rejected earlier ride along, and their result is kept.</summary>
    /// <param name="window">The sum table's entry at the first window's top-left corner.</param>
    /// <param name="windowSquares">The same entry of the squares table.</param>
    /// <returns>Per lane, what <see cref="Evaluate(ref int, ref int)"/> returns for that window.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Vector256<int> EvaluateEight(ref int window, ref int windowSquares)
    {
        Vector256<int> windowSum = _norm.Sum8(ref window);
        Vector256<int> squares = _norm.Sum8(ref windowSquares);
        Vector256<double> area = Vector256.Create(_normArea);
        Vector256<double> sumLo = Vector256.ConvertToDouble(Vector256.WidenLower(windowSum));
        Vector256<double> sumHi = Vector256.ConvertToDouble(Vector256.WidenUpper(windowSum));
        Vector256<double> nfLo = (area * Vector256.ConvertToDouble(Vector256.WidenLower(squares.AsUInt32()))) - (sumLo * sumLo);
        Vector256<double> nfHi = (area * Vector256.ConvertToDouble(Vector256.WidenUpper(squares.AsUInt32()))) - (sumHi * sumHi);
        Vector256<float> varianceNorm = Vector256.Narrow(
            Vector256<double>.One / Vector256.Sqrt(nfLo), Vector256<double>.One / Vector256.Sqrt(nfHi));
        Vector256<double> limit = Vector256.Create(1e-1);
        Vector256<long> validLo = (Vector256.GreaterThan(nfLo, Vector256<double>.Zero)
            & Vector256.LessThan(area * Vector256.WidenLower(varianceNorm), limit)).AsInt64();
        Vector256<long> validHi = (Vector256.GreaterThan(nfHi, Vector256<double>.Zero)
            & Vector256.LessThan(area * Vector256.WidenUpper(varianceNorm), limit)).AsInt64();
        Vector256<int> alive = Vector256.Narrow(validLo, validHi);
        Vector256<int> codes = Vector256.ConditionalSelect(alive, Vector256<int>.One, Vector256.Create(-1));

        // As in Evaluate: stage ends and stumps were built together from the cascade, so these reads stay inside the arrays.
        ref ScaledStump stump = ref MemoryMarshal.GetArrayDataReference(_stumps);
        int i = 0;
        for (int s = 0; s < _stageEnds.Length && alive != Vector256<int>.Zero; s++)
        {
            int end = _stageEnds[s];
            Vector256<double> stageLo = Vector256<double>.Zero, stageHi = Vector256<double>.Zero;
            for (; i < end; i++)
            {
                ref ScaledStump st = ref Unsafe.Add(ref stump, i);
                Vector256<float> value = (Vector256.Create(st.W0) * Vector256.ConvertToSingle(st.R0.Sum8(ref window)))
                    + (Vector256.Create(st.W1) * Vector256.ConvertToSingle(st.R1.Sum8(ref window)));
                if (st.W2 != 0f)
                {
                    // The same for every lane and every group of eight, so this branch is predicted.
                    value += Vector256.Create(st.W2) * Vector256.ConvertToSingle(st.R2.Sum8(ref window));
                }

                value *= varianceNorm;
                Vector256<float> leaf = Vector256.ConditionalSelect(
                    Vector256.LessThan(value, Vector256.Create(st.Threshold)),
                    Vector256.Create(BitConverter.Int32BitsToSingle(st.LeftBits)),
                    Vector256.Create(BitConverter.Int32BitsToSingle(st.RightBits)));
                stageLo += Vector256.WidenLower(leaf);
                stageHi += Vector256.WidenUpper(leaf);
            }

            Vector256<double> threshold = Vector256.Create((double)_stageThresholds[s]);
            Vector256<int> rejected = alive & Vector256.Narrow(
                Vector256.LessThan(stageLo, threshold).AsInt64(), Vector256.LessThan(stageHi, threshold).AsInt64());
            codes = Vector256.ConditionalSelect(rejected, Vector256.Create(-s), codes);
            alive &= ~rejected;
        }

        return codes;
    }

    /// <summary>The four integral-table offsets of a rectangle, relative to the window's top-left entry.</summary>
    private readonly struct RectOffsets
    {
        private readonly int _topLeft, _topRight, _bottomLeft, _bottomRight;

        public RectOffsets(HaarRect r, HaarTableLayout layout)
        {
            if (r.Width == 0)
            {
                return;
            }

            _topLeft = layout.Offset(r.X, r.Y);
            _topRight = layout.Offset(r.X + r.Width, r.Y);
            _bottomLeft = layout.Offset(r.X, r.Y + r.Height);
            _bottomRight = layout.Offset(r.X + r.Width, r.Y + r.Height);
        }

        // The cascade loader checked that every rectangle lies inside the window, so these reads stay inside the table.
        public int Sum(ref int window) => unchecked(Unsafe.Add(ref window, _topLeft) - Unsafe.Add(ref window, _topRight)
            - Unsafe.Add(ref window, _bottomLeft) + Unsafe.Add(ref window, _bottomRight));

        // The same for eight windows side by side; vector integer arithmetic wraps, as the scalar sum does.
        public Vector256<int> Sum8(ref int window) => Vector256.LoadUnsafe(ref Unsafe.Add(ref window, _topLeft))
            - Vector256.LoadUnsafe(ref Unsafe.Add(ref window, _topRight)) - Vector256.LoadUnsafe(ref Unsafe.Add(ref window, _bottomLeft))
            + Vector256.LoadUnsafe(ref Unsafe.Add(ref window, _bottomRight));
    }

    /// <summary>A stump with its feature's rectangles laid out for one stride.</summary>
    private readonly struct ScaledStump(HaarStump stump, HaarFeature feature, HaarTableLayout layout)
    {
        public readonly RectOffsets R0 = new(feature.R0, layout);
        public readonly RectOffsets R1 = new(feature.R1, layout);
        public readonly RectOffsets R2 = new(feature.R2, layout);
        public readonly float W0 = feature.R0.Weight;
        public readonly float W1 = feature.R1.Weight;
        public readonly float W2 = feature.R2.Weight;
        public readonly float Threshold = stump.Threshold;
        public readonly int LeftBits = BitConverter.SingleToInt32Bits(stump.Left);
        public readonly int RightBits = BitConverter.SingleToInt32Bits(stump.Right);
    }
}
