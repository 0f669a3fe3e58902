using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NeuroSync.Onnx;

namespace NeuroSync.Audio;

/// <summary>
/// Silero VAD v5 (ONNX) as an <see cref="IVoiceActivityDetector"/>: steady noise loud enough to pass the RMS gate no longer
/// counts as a voice. The signal is scored in 512-sample (32 ms) windows at 16 kHz, each preceded by the last 64 samples of
/// the previous window and carrying the network's recurrent state forward, as Silero's own <c>OnnxWrapper</c> does; a clip
/// has speech when the windows at or above <see cref="SileroVoiceActivityOptions.Threshold"/> add up to
/// <see cref="SileroVoiceActivityOptions.MinSpeechDuration"/>.
/// </summary>
/// <remarks>
/// <para>Two graphs are accepted: Silero's own file (inputs <c>input</c> [1, 64 + 512], <c>state</c>, <c>sr</c>), run once
/// per window, and the same network rebuilt by <c>tools/lite/silero_sequence.py</c> (inputs <c>windows</c> [N, 64 + 512]
/// and <c>state</c>), which scores every window of a signal in one run: a 7 s clip in one call instead of 219, with the
/// same probabilities. The built-in copy and the lite set use the second.</para>
/// <para>Thread-safe: the recurrent state lives in per-call pooled buffers, so concurrent calls share only the session.
/// Owns the session; dispose it when done.</para>
/// </remarks>
public sealed class SileroVoiceActivity : IVoiceActivityDetector, IDisposable
{
    private const int Rate = 16_000;
    private const int WindowSamples = 512;
    private const int ContextSamples = 64;
    private const int RowLength = ContextSamples + WindowSamples;
    private const int StateLength = 2 * 1 * 128;

    // Bounds one run's input (9 MB, 2 minutes of audio); longer signals take several runs, the state carried between them.
    private const int MaxWindowsPerRun = 4096;
    private const string BuiltInResourceName = "NeuroSync.Audio.silero_vad_v5_sequence.onnx";
    private static readonly long[] WindowShape = [1, RowLength];
    private static readonly long[] StateShape = [2, 1, 128];
    private static readonly string[] WindowInputNames = ["input", "state", "sr"];
    private static readonly string[] WindowOutputNames = ["output", "stateN"];
    private static readonly TensorSpec[] WindowInputs = [new("input", [-1, -1]), new("state", [2, -1, 128]), new("sr", [], TensorElementType.Int64)];
    private static readonly TensorSpec[] WindowOutputs = [new("output", [-1, 1]), new("stateN", [2, 1, 128])];
    private static readonly string[] SequenceInputNames = ["windows", "state"];
    private static readonly string[] SequenceOutputNames = ["probabilities", "stateN"];
    private static readonly TensorSpec[] SequenceInputs = [new("windows", [-1, RowLength]), new("state", [2, 1, 128])];
    private static readonly TensorSpec[] SequenceOutputs = [new("probabilities", [-1]), new("stateN", [2, 1, 128])];

    private readonly OnnxModel _model;
    private readonly bool _wholeSignal;
    private readonly SileroVoiceActivityOptions _options;

    /// <summary>Opens a Silero VAD v5 model and checks its interface.</summary>
    /// <param name="modelPath">The ONNX file: Silero's <c>silero_vad_v5.onnx</c>, or the lite set's <c>silero_vad_v5_sequence.onnx</c>.</param>
    /// <param name="options">Decision settings, copied; Silero's defaults when <see langword="null"/>.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The file is missing, not loadable, or has neither accepted interface.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SileroVoiceActivity(string modelPath, SileroVoiceActivityOptions? options = null, OnnxRuntimeOptions? onnxOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        _options = options?.Clone() ?? new SileroVoiceActivityOptions();
        _options.Validate();
        if (!File.Exists(modelPath))
        {
            throw new ModelMismatchException($"Voice-activity model '{modelPath}': expected an ONNX file, found nothing.");
        }

        (_model, _wholeSignal) = Checked(new OnnxModel(modelPath, [], [], OnnxRuntimeOptions.ValidatedCopy(onnxOptions)));
    }

    private SileroVoiceActivity(OnnxModel model, SileroVoiceActivityOptions options)
    {
        (_model, _wholeSignal) = Checked(model);
        _options = options;
    }

    /// <summary>Opens the copy of Silero VAD v5 built into this library (MIT licence; <c>models/lite/README.md</c> has its
    /// provenance), which robust mode uses for model sets that name no detector of their own.</summary>
    /// <param name="options">Decision settings, copied; Silero's defaults when <see langword="null"/>.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <returns>A detector that owns its session; dispose it when done.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static SileroVoiceActivity CreateBuiltIn(SileroVoiceActivityOptions? options = null, OnnxRuntimeOptions? onnxOptions = null)
    {
        SileroVoiceActivityOptions copy = options?.Clone() ?? new SileroVoiceActivityOptions();
        copy.Validate();
        using Stream stream = typeof(SileroVoiceActivity).Assembly.GetManifestResourceStream(BuiltInResourceName)
            ?? throw new NeuroSyncException($"Built-in voice-activity model: expected the embedded resource '{BuiltInResourceName}', found none (a trimmed or modified assembly?).");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return new SileroVoiceActivity(new OnnxModel("silero_vad_v5_sequence.onnx (built in)", bytes, [], [], OnnxRuntimeOptions.ValidatedCopy(onnxOptions)), copy);
    }

    /// <inheritdoc/>
    public int SampleRate => Rate;

    /// <summary>Gets a copy of the decision settings.</summary>
    public SileroVoiceActivityOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <remarks>A final partial window is zero-padded, as Silero pads it. An empty signal has no speech.</remarks>
    public VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
    {
        using var probabilities = new PooledBuffer<float>(WindowCount(samples.Length));
        Score(samples, probabilities.Span, cancellationToken);
        int speechWindows = 0;
        float maxProbability = 0f;
        foreach (float probability in probabilities.Span)
        {
            maxProbability = MathF.Max(maxProbability, probability);
            if (probability >= _options.Threshold)
            {
                speechWindows++;
            }
        }

        var speech = TimeSpan.FromSeconds((double)speechWindows * WindowSamples / Rate);
        return new VoiceActivity(speechWindows > 0 && speech >= _options.MinSpeechDuration, speech, maxProbability);
    }

    /// <summary>The number of 32 ms windows a signal of <paramref name="samples"/> samples is scored in.</summary>
    internal static int WindowCount(int samples) => (samples + WindowSamples - 1) / WindowSamples;

    /// <summary>Writes each window's speech probability, with the graph this detector has.</summary>
    internal void Score(ReadOnlySpan<float> samples, Span<float> probabilities, CancellationToken cancellationToken)
    {
        float[] state = ArrayPool<float>.Shared.Rent(StateLength);
        try
        {
            Array.Clear(state, 0, StateLength);
            using var stateValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(0, StateLength), StateShape);
            if (_wholeSignal)
            {
                ScoreWholeSignal(samples, probabilities, state, stateValue, cancellationToken);
            }
            else
            {
                ScoreWindowByWindow(samples, probabilities, state, stateValue, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(state);
        }
    }

    private static (OnnxModel Model, bool WholeSignal) Checked(OnnxModel model)
    {
        try
        {
            bool wholeSignal = model.InputMetadata.ContainsKey("windows");
            if (!wholeSignal && !(model.InputMetadata.ContainsKey("input") && model.InputMetadata.ContainsKey("sr")))
            {
                throw new ModelMismatchException(
                    $"Voice-activity model '{Path.GetFileName(model.Path)}': expected Silero VAD v5 (inputs input, state, sr) or its sequence graph from "
                    + $"tools/lite/silero_sequence.py (inputs windows, state), found inputs [{string.Join(", ", model.InputMetadata.Keys)}].");
            }

            model.Require(wholeSignal ? SequenceInputs : WindowInputs, wholeSignal ? SequenceOutputs : WindowOutputs);
            return (model, wholeSignal);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Silero's own loop: one run per window, the last 64 samples of each window ahead of the next.</summary>
    private void ScoreWindowByWindow(ReadOnlySpan<float> samples, Span<float> probabilities, float[] state, OrtValue stateValue, CancellationToken cancellationToken)
    {
        float[] input = ArrayPool<float>.Shared.Rent(RowLength);
        long[] rate = [Rate];
        try
        {
            Array.Clear(input, 0, ContextSamples);
            // The input and state values stay bound to the same buffers; each window rewrites the buffers in place.
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, RowLength), WindowShape);
            using var rateValue = OrtValue.CreateTensorValueFromMemory(rate, []);
            OrtValue[] inputs = [inputValue, stateValue, rateValue];
            for (int w = 0; w < probabilities.Length; w++)
            {
                Span<float> current = input.AsSpan(ContextSamples, WindowSamples);
                WindowOf(samples, w).CopyTo(current);
                current[WindowOf(samples, w).Length..].Clear();
                using (var outputs = _model.Run(WindowInputNames, inputs, WindowOutputNames, cancellationToken))
                {
                    probabilities[w] = outputs[0].GetTensorDataAsSpan<float>()[0];
                    outputs[1].GetTensorDataAsSpan<float>()[..StateLength].CopyTo(state);
                }

                input.AsSpan(WindowSamples, ContextSamples).CopyTo(input);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>The sequence graph: every window in one run (or a few, for signals over <see cref="MaxWindowsPerRun"/> windows),
    /// each row the previous window's last 64 samples and then the window.</summary>
    private void ScoreWholeSignal(ReadOnlySpan<float> samples, Span<float> probabilities, float[] state, OrtValue stateValue, CancellationToken cancellationToken)
    {
        int rows = Math.Min(probabilities.Length, MaxWindowsPerRun);
        float[] batch = ArrayPool<float>.Shared.Rent(rows * RowLength);
        try
        {
            for (int first = 0; first < probabilities.Length; first += rows)
            {
                int count = Math.Min(rows, probabilities.Length - first);
                Span<float> windows = batch.AsSpan(0, count * RowLength);
                for (int r = 0; r < count; r++)
                {
                    int w = first + r;
                    Span<float> row = windows.Slice(r * RowLength, RowLength);
                    ReadOnlySpan<float> window = WindowOf(samples, w);
                    // The context is the previous window's tail: its last 64 samples, or zeros before the first window.
                    if (w == 0)
                    {
                        row[..ContextSamples].Clear();
                    }
                    else
                    {
                        samples.Slice((w * WindowSamples) - ContextSamples, ContextSamples).CopyTo(row);
                    }

                    window.CopyTo(row[ContextSamples..]);
                    row[(ContextSamples + window.Length)..].Clear();
                }

                using var windowsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(0, count * RowLength), [count, RowLength]);
                using var outputs = _model.Run(SequenceInputNames, [windowsValue, stateValue], SequenceOutputNames, cancellationToken);
                outputs[0].GetTensorDataAsSpan<float>()[..count].CopyTo(probabilities[first..]);
                outputs[1].GetTensorDataAsSpan<float>()[..StateLength].CopyTo(state);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(batch);
        }
    }

    private static ReadOnlySpan<float> WindowOf(ReadOnlySpan<float> samples, int window) =>
        samples.Slice(window * WindowSamples, Math.Min(WindowSamples, samples.Length - (window * WindowSamples)));

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
