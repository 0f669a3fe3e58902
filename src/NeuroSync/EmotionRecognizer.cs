using System.Diagnostics;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Onnx;
using NeuroSync.Streaming;
using NeuroSync.Vision;

namespace NeuroSync;

/// <summary>
/// The default <see cref="IEmotionRecognizer"/>: audio and video front-ends, the modality mask, both encoders, the fusion
/// head, softmax, arg-max and the silence override, with the original system's semantics.
/// </summary>
/// <remarks>
/// <para>Thread-safe: one instance serves concurrent calls; per-call state lives in locals and pooled buffers.</para>
/// <para>The work is CPU-bound and, with the audio and video paths one after the other (the default on the CPU, see
/// <see cref="EmotionRecognizerOptions.ModalityScheduling"/>), done on the calling thread before
/// <see cref="RecognizeAsync"/> returns; call it through <see cref="Task.Run(Func{Task})"/> from a UI thread.</para>
/// <para>Unlike the original it never runs an encoder on an all-zero input more than once: silent or missing audio and
/// clips without frames reuse the encoder's output for zeros, computed on first need (identical to running it).</para>
/// <para>A recognizer made by <see cref="Create"/> owns its models and disposes them; one
/// built from parts leaves the parts to their owner.</para>
/// <para>It neither logs nor measures: wrap it in <see cref="LoggingEmotionRecognizer"/> and
/// <see cref="OpenTelemetryEmotionRecognizer"/> (<c>AddNeuroSync().UseLogging().UseOpenTelemetry()</c>), which read what
/// they report from the prediction (<see cref="EmotionPrediction.Timings"/>) and from <see cref="EmotionRecognizerMetadata"/>.</para>
/// </remarks>
public sealed class EmotionRecognizer : IEmotionRecognizer
{
    private readonly IAudioEncoder _audioEncoder;
    private readonly IVisualEncoder _visualEncoder;
    private readonly IFusionEngine _fusion;
    private readonly AudioPreprocessor _audioPreprocessor;
    private readonly VideoPreprocessor _videoPreprocessor;
    private readonly EmotionRecognizerOptions _options;
    private readonly ModelSet? _modelSet;
    private readonly IReadOnlyList<IDisposable> _owned;
    private readonly EmotionRecognizerMetadata _metadata;
    private readonly ModalityPaths _paths;
    private readonly FusionStage _fusionStage;
    private int _disposed;

    /// <summary>Builds a recognizer from parts (for example ones registered in a DI container, which keeps owning them).</summary>
    /// <param name="audioEncoder">The audio encoder.</param>
    /// <param name="visualEncoder">The visual encoder.</param>
    /// <param name="fusion">The fusion engine.</param>
    /// <param name="audioPreprocessor">The audio front-end; its output length must equal the encoder's input length.</param>
    /// <param name="videoPreprocessor">The video front-end; its crop size must equal the encoder's.</param>
    /// <param name="options">Post-processing settings; the original's when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The parts do not fit together; the message says which sizes differ.</exception>
    public EmotionRecognizer(
        IAudioEncoder audioEncoder,
        IVisualEncoder visualEncoder,
        IFusionEngine fusion,
        AudioPreprocessor audioPreprocessor,
        VideoPreprocessor videoPreprocessor,
        EmotionRecognizerOptions? options = null)
        : this(audioEncoder, visualEncoder, fusion, audioPreprocessor, videoPreprocessor, options, modelSet: null, owned: [])
    {
    }

    internal EmotionRecognizer(
        IAudioEncoder audioEncoder,
        IVisualEncoder visualEncoder,
        IFusionEngine fusion,
        AudioPreprocessor audioPreprocessor,
        VideoPreprocessor videoPreprocessor,
        EmotionRecognizerOptions? options,
        ModelSet? modelSet,
        IReadOnlyList<IDisposable> owned)
    {
        _audioEncoder = audioEncoder ?? throw new ArgumentNullException(nameof(audioEncoder));
        _visualEncoder = visualEncoder ?? throw new ArgumentNullException(nameof(visualEncoder));
        _fusion = fusion ?? throw new ArgumentNullException(nameof(fusion));
        _audioPreprocessor = audioPreprocessor ?? throw new ArgumentNullException(nameof(audioPreprocessor));
        _videoPreprocessor = videoPreprocessor ?? throw new ArgumentNullException(nameof(videoPreprocessor));
        _options = options?.Clone() ?? new EmotionRecognizerOptions();
        ValidateScheduling(_options, nameof(options));

        if (_audioPreprocessor.MaxSamples != _audioEncoder.InputLength)
        {
            throw new ArgumentException($"Audio: the front-end writes {_audioPreprocessor.MaxSamples} samples, expected the encoder's {_audioEncoder.InputLength}.", nameof(audioPreprocessor));
        }

        if (_videoPreprocessor.FrameTensorLength != 3 * _visualEncoder.CropSize * _visualEncoder.CropSize)
        {
            throw new ArgumentException($"Video: the front-end writes {_videoPreprocessor.FrameTensorLength} floats per frame, expected 3 x {_visualEncoder.CropSize} x {_visualEncoder.CropSize} for the encoder.", nameof(videoPreprocessor));
        }

        if (!Enum.IsDefined(_options.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Mode, "EmotionRecognizerOptions.Mode: expected Robust or Original.");
        }

        if (_options.Mode == RecognitionMode.Robust && _audioPreprocessor.VoiceActivityDetector is null)
        {
            throw new ArgumentException(AudioPreprocessor.RobustNeedsDetector, nameof(audioPreprocessor));
        }

        foreach (string label in _options.SilenceOverrideLabels)
        {
            if (_fusion.Labels.IndexOf(label) < 0)
            {
                throw new ArgumentException($"Silence override label '{label}': expected one of [{string.Join(", ", _fusion.Labels)}].", nameof(options));
            }
        }

        _modelSet = modelSet;
        _owned = owned;
        bool overlap = _options.ModalityScheduling switch
        {
            ModalityScheduling.Overlapped => true,
            ModalityScheduling.Sequential => false,
            _ => _audioEncoder.RunsOnAccelerator || _visualEncoder.RunsOnAccelerator,
        };
        _paths = new ModalityPaths(_audioEncoder, _visualEncoder, _audioPreprocessor, _videoPreprocessor, overlap);
        _fusionStage = new FusionStage(_fusion, _paths.SilentAudio, _paths.BlankVideo, _options);
        IOnnxBacked[] onnxParts = [.. new object[] { _audioEncoder, _visualEncoder, _fusion }.OfType<IOnnxBacked>()];
        _metadata = new EmotionRecognizerMetadata(
            _options.ModelSetName,
            _modelSet?.Manifest.Description,
            _modelSet?.Directory,
            _options.Mode,
            _fusion.Labels,
            _audioPreprocessor.TargetSampleRate,
            _videoPreprocessor.FrameStride,
            onnxParts.Length == 0 ? "custom" : string.Join(", ", onnxParts.Select(p => p.ExecutionProvider).Distinct()),
            onnxParts.Select(p => p.ProviderFallbackReason).FirstOrDefault(r => r is not null));
    }

    /// <summary>Loads a model folder (<c>neurosync.json</c> and the ONNX models it names: encoders and a fusion head, or the
    /// lite set's face detector, expression classifier and voice-activity detector) into a recognizer that owns them.</summary>
    /// <param name="modelDirectory">The model folder, or a manifest file in one.</param>
    /// <param name="onnxOptions">ONNX Runtime session settings; defaults when <see langword="null"/>.</param>
    /// <param name="configure">Changes the recognizer's settings, already filled from the manifest (for example
    /// <see cref="EmotionRecognizerOptions.ModalityScheduling"/>); runs and is checked before any model loads.</param>
    /// <returns>A recognizer to dispose when done.</returns>
    /// <exception cref="ModelMismatchException">The folder, the manifest or a model is missing or does not match.</exception>
    /// <exception cref="NeuroSyncException">ONNX Runtime's native library is not available.</exception>
    /// <exception cref="ArgumentException">A setting made by <paramref name="configure"/> is invalid; the message names it.</exception>
    public static EmotionRecognizer Create(
        string modelDirectory,
        OnnxRuntimeOptions? onnxOptions = null,
        Action<EmotionRecognizerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        return RecognizerFactory.Create(ModelSetLoader.Load(modelDirectory), onnxOptions, configure);
    }

    /// <summary>Opens a stream that judges audio and frames as they arrive (see <see cref="EmotionStreamSession"/>).</summary>
    /// <param name="options">The hop, window, mode and backlog; the defaults when <see langword="null"/>.</param>
    /// <returns>A stream to dispose when done; it uses this recognizer, which must outlive it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The recognizer is disposed.</exception>
    public EmotionStreamSession OpenStream(StreamOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        StreamOptions settings = options?.Clone() ?? new StreamOptions();
        settings.Validate();
        TimeSpan clip = TimeSpan.FromSeconds((double)_audioPreprocessor.MaxSamples / _audioPreprocessor.TargetSampleRate);
        TimeSpan window = settings.Window ?? clip;
        if (window < settings.Hop)
        {
            throw new ArgumentOutOfRangeException(nameof(options), settings.Hop, $"StreamOptions.Hop: expected at most the window ({window}{(settings.Window is null ? ", the model set's clip length" : "")}), found {settings.Hop}.");
        }

        var call = CallSettings.Resolve(new RecognitionOptions { Mode = settings.Mode, ComputeContributions = settings.ComputeContributions }, _options);
        return new EmotionStreamSession(new StreamPipeline(_paths, _fusionStage, _videoPreprocessor, _visualEncoder, _audioPreprocessor, call, settings.Hop, window, settings.MaxFrameRate,
            settings.MaxDegreeOfParallelism == 0 ? Math.Min(Environment.ProcessorCount, 64) : settings.MaxDegreeOfParallelism), settings);
    }

    /// <summary>Gets the labels of the predictions.</summary>
    public EmotionLabelSet Labels => _fusion.Labels;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RecognitionOptions.Mode"/> is not a defined mode.</exception>
    public Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return RecognizeCoreAsync(input, CallSettings.Resolve(options, _options), Stopwatch.GetTimestamp(), cancellationToken);
    }

    private async Task<EmotionPrediction> RecognizeCoreAsync(EmotionInput input, CallSettings call, long start, CancellationToken cancellationToken)
    {
        var (audio, video, videoStart) = await _paths.RunAsync(input, call.Mode, start, cancellationToken).ConfigureAwait(false);
        using (audio)
        using (video)
        {
            return await _fusionStage.PredictAsync(audio, video, call, start, videoStart, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object?[] candidates =
        [
            this, _metadata, _modelSet, _modelSet?.Manifest, Labels, _audioEncoder, _visualEncoder, _fusion, _audioPreprocessor, _videoPreprocessor,
            _audioPreprocessor.VoiceActivityDetector, _videoPreprocessor.FaceDetector,
        ];
        return candidates.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _paths.Dispose();
        foreach (IDisposable part in _owned)
        {
            part.Dispose();
        }
    }

    internal static void ValidateScheduling(EmotionRecognizerOptions options, string parameterName)
    {
        if (!Enum.IsDefined(options.ModalityScheduling))
        {
            throw new ArgumentOutOfRangeException(parameterName, options.ModalityScheduling, "EmotionRecognizerOptions.ModalityScheduling: expected Automatic, Sequential or Overlapped.");
        }
    }
}
