using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuroSync.Vision;

/// <summary>
/// A cascade laid out for integral tables of one row stride: every stump's rectangle corners as offsets from the window's
/// top-left table entry, in evaluation order, in one flat array (OpenCV's "stump" fast path). Immutable, so one instance serves
/// any number of threads; <see cref="HaarFaceDetector"/> keeps the one for the last stride it saw.
/// </summary>
internal sealed class HaarWindowClassifier
{
    private readonly ScaledStump[] _stumps;
    private readonly int[] _stageEnds;
    private readonly float[] _stageThresholds;
    private readonly RectOffsets _norm;
    private readonly double _normArea;

    public HaarWindowClassifier(HaarCascade cascade, int stride)
    {
        Stride = stride;
        HaarStump[] stumps = cascade.Stumps;
        HaarFeature[] features = cascade.Features;
        _stumps = new ScaledStump[stumps.Length];
        for (int i = 0; i < stumps.Length; i++)
        {
            _stumps[i] = new ScaledStump(stumps[i], features[stumps[i].FeatureIndex], stride);
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
        _norm = new RectOffsets(new HaarRect(1, 1, winW - 2, winH - 2, 0), stride);
        _normArea = (winW - 2) * (winH - 2);
    }

    /// <summary>Gets the row stride of the tables this layout reads.</summary>
    public int Stride { get; }

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

        // The cascade loader checked that every rectangle lies inside the window, so these reads stay inside the table.
        public int Sum(ref int window) => unchecked(Unsafe.Add(ref window, _topLeft) - Unsafe.Add(ref window, _topRight)
            - Unsafe.Add(ref window, _bottomLeft) + Unsafe.Add(ref window, _bottomRight));
    }

    /// <summary>A stump with its feature's rectangles laid out for one stride.</summary>
    private readonly struct ScaledStump(HaarStump stump, HaarFeature feature, int stride)
    {
        public readonly RectOffsets R0 = new(feature.R0, stride);
        public readonly RectOffsets R1 = new(feature.R1, stride);
        public readonly RectOffsets R2 = new(feature.R2, stride);
        public readonly float W0 = feature.R0.Weight;
        public readonly float W1 = feature.R1.Weight;
        public readonly float W2 = feature.R2.Weight;
        public readonly float Threshold = stump.Threshold;
        public readonly int LeftBits = BitConverter.SingleToInt32Bits(stump.Left);
        public readonly int RightBits = BitConverter.SingleToInt32Bits(stump.Right);
    }
}
