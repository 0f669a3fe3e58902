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
/// <remarks>Thread-safe: the recurrent state lives in per-call pooled buffers, so concurrent calls share only the
/// session. Owns the session; dispose it when done.</remarks>
public sealed class SileroVoiceActivity : IVoiceActivityDetector, IDisposable
{
    private const int Rate = 16_000;
    private const int WindowSamples = 512;
    private const int ContextSamples = 64;
    private const int StateLength = 2 * 1 * 128;
    private const string BuiltInResourceName = "NeuroSync.Audio.silero_vad_v5.onnx";
    private static readonly long[] InputShape = [1, ContextSamples + WindowSamples];
    private static readonly long[] StateShape = [2, 1, 128];
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];
    private static readonly TensorSpec[] Inputs = [new("input", [-1, -1]), new("state", [2, -1, 128]), new("sr", [], TensorElementType.Int64)];
    private static readonly TensorSpec[] Outputs = [new("output", [-1, 1]), new("stateN", [2, 1, 128])];

    private readonly OnnxModel _model;
    private readonly SileroVoiceActivityOptions _options;

    /// <summary>Opens a Silero VAD v5 model and checks its interface.</summary>
    /// <param name="modelPath">The ONNX file (<c>silero_vad_v5.onnx</c>).</param>
    /// <param name="options">Decision settings, copied; Silero's defaults when <see langword="null"/>.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The file is missing, not loadable, or not Silero v5's interface.</exception>
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

        _model = new OnnxModel(modelPath, Inputs, Outputs, OnnxRuntimeOptions.ValidatedCopy(onnxOptions));
    }

    private SileroVoiceActivity(OnnxModel model, SileroVoiceActivityOptions options)
    {
        _model = model;
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
        return new SileroVoiceActivity(new OnnxModel("silero_vad_v5.onnx (built in)", bytes, Inputs, Outputs, OnnxRuntimeOptions.ValidatedCopy(onnxOptions)), copy);
    }

    /// <inheritdoc/>
    public int SampleRate => Rate;

    /// <summary>Gets a copy of the decision settings.</summary>
    public SileroVoiceActivityOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <remarks>A final partial window is zero-padded, as Silero pads it. An empty signal has no speech.</remarks>
    public VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
    {
        int windows = (samples.Length + WindowSamples - 1) / WindowSamples;
        float[] input = ArrayPool<float>.Shared.Rent(ContextSamples + WindowSamples);
        float[] state = ArrayPool<float>.Shared.Rent(StateLength);
        long[] rate = [Rate];
        try
        {
            Array.Clear(input, 0, ContextSamples);
            Array.Clear(state, 0, StateLength);
            // The input and state values stay bound to the same buffers; each window rewrites the buffers in place.
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, ContextSamples + WindowSamples), InputShape);
            using var stateValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(0, StateLength), StateShape);
            using var rateValue = OrtValue.CreateTensorValueFromMemory(rate, []);
            OrtValue[] inputs = [inputValue, stateValue, rateValue];
            int speechWindows = 0;
            float maxProbability = 0f;
            for (int w = 0; w < windows; w++)
            {
                ReadOnlySpan<float> window = samples.Slice(w * WindowSamples, Math.Min(WindowSamples, samples.Length - (w * WindowSamples)));
                Span<float> current = input.AsSpan(ContextSamples, WindowSamples);
                window.CopyTo(current);
                current[window.Length..].Clear();
                float probability;
                using (var outputs = _model.Run(InputNames, inputs, OutputNames, cancellationToken))
                {
                    probability = outputs[0].GetTensorDataAsSpan<float>()[0];
                    outputs[1].GetTensorDataAsSpan<float>()[..StateLength].CopyTo(state);
                }

                input.AsSpan(WindowSamples, ContextSamples).CopyTo(input);
                maxProbability = MathF.Max(maxProbability, probability);
                if (probability >= _options.Threshold)
                {
                    speechWindows++;
                }
            }

            var speech = TimeSpan.FromSeconds((double)speechWindows * WindowSamples / Rate);
            return new VoiceActivity(speechWindows > 0 && speech >= _options.MinSpeechDuration, speech, maxProbability);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(state);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();
}
