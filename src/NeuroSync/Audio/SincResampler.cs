using System.Numerics.Tensors;
using NWaves.Windows;

namespace NeuroSync.Audio;

/// <summary>
/// Band-limited sample-rate conversion by a polyphase Kaiser-windowed sinc (Smith's bandlimited interpolation with a
/// table of filter phases). Immutable after construction and safe to share between threads.
/// </summary>
/// <remarks>
/// <para>
/// Output sample <c>n</c> sits exactly at input time <c>t = n * source / target</c> (integer arithmetic, no drift), and the
/// kernel is symmetric about it, so the output has no group delay: it is time-aligned with the input. Its length is
/// <c>round(frames * target / source)</c>. Samples outside the input count as zeros.
/// </para>
/// <para>
/// The anti-aliasing/anti-imaging low-pass has its -6 dB point at <see cref="CutoffFraction"/> of the lower Nyquist
/// frequency (7.6 kHz for a 16 kHz side), a Kaiser transition band of <see cref="TransitionFraction"/> of it ending
/// exactly at the lower Nyquist (7.2 to 8.0 kHz), and <see cref="AttenuationDb"/> of stopband attenuation. When the
/// reduced up-factor <c>L = target / gcd</c> is at most <see cref="MaxExactPhases"/> (44.1 kHz: 160; 48 kHz: 1, a plain
/// decimation by 3) each of the <c>L</c> phases gets its own row; otherwise <see cref="InterpolatedPhases"/> rows are
/// tabulated and linearly interpolated (error below -95 dB). Each row is normalised to unit DC gain.
/// </para>
/// </remarks>
internal sealed class SincResampler
{
    /// <summary>The -6 dB point of the low-pass as a fraction of the lower Nyquist frequency.</summary>
    internal const double CutoffFraction = 0.95;

    /// <summary>The Kaiser transition width as a fraction of the lower Nyquist frequency (centred on the cutoff).</summary>
    internal const double TransitionFraction = 0.10;

    /// <summary>The Kaiser design attenuation (stopband and passband ripple, both about 1e-4).</summary>
    internal const double AttenuationDb = 80;

    /// <summary>The largest up-factor given one exact table row per phase.</summary>
    internal const int MaxExactPhases = 256;

    /// <summary>Table rows (plus one) used, with linear interpolation, when the up-factor is larger.</summary>
    internal const int InterpolatedPhases = 256;

    private readonly float[] _table;
    private readonly long _up;
    private readonly long _down;
    private readonly int _taps;
    private readonly int _rows;
    private readonly bool _exact;

    /// <summary>Designs the filter table for one rate pair.</summary>
    /// <param name="sourceRate">The input rate in hertz.</param>
    /// <param name="targetRate">The output rate in hertz.</param>
    public SincResampler(int sourceRate, int targetRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetRate, 1);
        SourceRate = sourceRate;
        TargetRate = targetRate;
        long gcd = Gcd(sourceRate, targetRate);
        _up = targetRate / gcd;
        _down = sourceRate / gcd;

        double lowerNyquist = Math.Min(sourceRate, targetRate) / 2.0;
        double cutoff = CutoffFraction * lowerNyquist / sourceRate;          // cycles per input sample
        double transition = TransitionFraction * lowerNyquist / sourceRate;  // cycles per input sample

        // Kaiser's formulas: beta for the attenuation, and the length (N - 1) = (A - 7.95) / (2.285 * 2 pi * transition).
        double beta = 0.1102 * (AttenuationDb - 8.7);
        double halfWidth = (AttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) / 2;
        HalfTaps = (int)Math.Ceiling(halfWidth);
        _taps = 2 * HalfTaps;

        _exact = _up <= MaxExactPhases;
        int resolution = _exact ? (int)_up : InterpolatedPhases;
        _rows = _exact ? resolution : resolution + 1;

        // The prototype spans t in [-HalfTaps, HalfTaps] input samples at `resolution` points per sample; NWaves gives its window.
        float[] window = Window.Kaiser((_taps * resolution) + 1, beta);
        int centre = HalfTaps * resolution;
        _table = new float[_rows * _taps];
        Span<double> row = _taps <= 2048 ? stackalloc double[_taps] : new double[_taps];
        for (int r = 0; r < _rows; r++)
        {
            // Row r, tap k weighs input sample j = floor(t) - HalfTaps + 1 + k for an output at fractional phase r / resolution,
            // i.e. kernel time (k - HalfTaps + 1 - r / resolution) = (n - centre) / resolution with n = (k + 1) * resolution - r.
            double sum = 0;
            for (int k = 0; k < _taps; k++)
            {
                int n = ((k + 1) * resolution) - r;
                double t = (n - centre) / (double)resolution;
                double value = 2 * cutoff * Sinc(2 * cutoff * t) * window[n];
                row[k] = value;
                sum += value;
            }

            Span<float> destination = _table.AsSpan(r * _taps, _taps);
            for (int k = 0; k < _taps; k++)
            {
                destination[k] = (float)(row[k] / sum);
            }
        }
    }

    /// <summary>Gets the input rate in hertz.</summary>
    public int SourceRate { get; }

    /// <summary>Gets the output rate in hertz.</summary>
    public int TargetRate { get; }

    /// <summary>Gets the kernel half-width in input samples: the zero margin needed before and after the input.</summary>
    public int HalfTaps { get; }

    /// <summary>Gets the filter taps applied per output sample (two for each interpolated phase).</summary>
    public int TapsPerOutput => _exact ? _taps : 2 * _taps;

    /// <summary>Gets the number of floats in the filter table.</summary>
    public int TableLength => _table.Length;

    /// <summary>The output length for an input of <paramref name="inputFrames"/> frames: <c>round(frames * target / source)</c>.</summary>
    public int GetOutputLength(long inputFrames) => (int)Math.Min(int.MaxValue, ((inputFrames * _up * 2) + _down) / (2 * _down));

    /// <summary>How many leading input frames the first <paramref name="outputCount"/> outputs depend on.</summary>
    public int GetInputFramesNeeded(int outputCount, int inputFrames)
    {
        if (outputCount <= 0)
        {
            return 0;
        }

        long lastCentre = (outputCount - 1L) * _down / _up;
        return (int)Math.Min(inputFrames, lastCentre + HalfTaps + 1);
    }

    /// <summary>Resamples into <paramref name="destination"/>: output <c>n</c> is the input interpolated at time <c>n * source / target</c>.</summary>
    /// <param name="padded">
    /// The input with <see cref="HalfTaps"/> zeros before it and at least <see cref="HalfTaps"/> zeros after the
    /// <see cref="GetInputFramesNeeded"/> frames: <c>padded[HalfTaps + j]</c> is input frame <c>j</c>.
    /// </param>
    /// <param name="destination">The outputs to compute, from output 0.</param>
    public void Process(ReadOnlySpan<float> padded, Span<float> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        long lastStart = ((destination.Length - 1L) * _down / _up) + 1;
        if (padded.Length < lastStart + _taps)
        {
            ThrowHelper.ThrowDestinationTooShort(nameof(padded), (int)(lastStart + _taps), padded.Length);
        }

        ReadOnlySpan<float> table = _table;
        long position = 0;
        for (int n = 0; n < destination.Length; n++, position += _down)
        {
            long whole = position / _up;
            long phase = position - (whole * _up);
            ReadOnlySpan<float> input = padded.Slice((int)whole + 1, _taps);
            if (_exact)
            {
                destination[n] = TensorPrimitives.Dot(input, table.Slice((int)phase * _taps, _taps));
            }
            else
            {
                long scaled = phase * InterpolatedPhases;
                int row = (int)(scaled / _up);
                float fraction = (float)(scaled - (row * _up)) / _up;
                float a = TensorPrimitives.Dot(input, table.Slice(row * _taps, _taps));
                float b = TensorPrimitives.Dot(input, table.Slice((row + 1) * _taps, _taps));
                destination[n] = a + (fraction * (b - a));
            }
        }
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
