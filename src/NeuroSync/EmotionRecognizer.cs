using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using NeuroSync.Audio;
using NeuroSync.Composition;
using NeuroSync.Models;
using NeuroSync.Onnx;
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
    private const int MaxPooledLength = 1 << 25;

    private readonly IAudioEncoder _audioEncoder;
    private readonly IVisualEncoder _visualEncoder;
    private readonly IFusionEngine _fusion;
    private readonly AudioPreprocessor _audioPreprocessor;
    private readonly VideoPreprocessor _videoPreprocessor;
    private readonly EmotionRecognizerOptions _options;
    private readonly ZeroInputFeatures _silentAudio;
    private readonly ZeroInputFeatures _blankVideo;
    private readonly ModelSet? _modelSet;
    private readonly IReadOnlyList<IDisposable> _owned;
    private readonly EmotionRecognizerMetadata _metadata;

    // The waveform and frame tensors (the video tensor is megabytes) come from a pool of this recognizer's: the shared pool
    // keeps arrays per thread, so a server with many threads would hold one per thread; this one holds at most one array of
    // each size per core. Rentals above MaxPooledLength floats are allocated and dropped.
    private readonly ArrayPool<float> _buffers = ArrayPool<float>.Create(MaxPooledLength, Environment.ProcessorCount);
    private readonly bool _overlapModalities;
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
        _silentAudio = new ZeroInputFeatures(ct => _audioEncoder.EncodeAsync(new float[_audioEncoder.InputLength], ct));
        // Clips without frames stand for as many zero frames as the front-end writes for them (10 in the original).
        int emptyFrames = _videoPreprocessor.EmptyVideoFrameCount;
        _blankVideo = new ZeroInputFeatures(ct => _visualEncoder.EncodeAsync(new float[emptyFrames * _videoPreprocessor.FrameTensorLength], emptyFrames, ct));
        IOnnxBacked[] onnxParts = [.. new object[] { _audioEncoder, _visualEncoder, _fusion }.OfType<IOnnxBacked>()];
        _overlapModalities = _options.ModalityScheduling switch
        {
            ModalityScheduling.Overlapped => true,
            ModalityScheduling.Sequential => false,
            _ => _audioEncoder.RunsOnAccelerator || _visualEncoder.RunsOnAccelerator,
        };
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

    /// <summary>Gets the labels of the predictions.</summary>
    public EmotionLabelSet Labels => _fusion.Labels;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RecognitionOptions.Mode"/> is not a defined mode.</exception>
    public Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var call = new CallSettings(options?.Mode ?? _options.Mode, options?.ComputeContributions ?? _options.ComputeContributions);
        if (!Enum.IsDefined(call.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(options), call.Mode, "RecognitionOptions.Mode: expected Robust or Original.");
        }

        return RecognizeCoreAsync(input, call, Stopwatch.GetTimestamp(), cancellationToken);
    }

    private async Task<EmotionPrediction> RecognizeCoreAsync(EmotionInput input, CallSettings call, long start, CancellationToken cancellationToken)
    {
        ModalityPath<AudioStatus> audio;
        ModalityPath<VideoStatus> video;
        long videoStart;
        if (_overlapModalities)
        {
            videoStart = start;
            (audio, video) = await RunModalitiesOverlappedAsync(input, call.Mode, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            audio = await RunAudioPathAsync(input.Audio, call.Mode, cancellationToken).ConfigureAwait(false);
            videoStart = Stopwatch.GetTimestamp();
            try
            {
                video = await RunVideoPathAsync(input.Frames ?? [], call.Mode, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                audio.Dispose();
                throw;
            }
        }

        using var audioPath = audio;
        using var videoPath = video;
        var mask = new ModalityMask(audioPath.Status, videoPath.Status);
        if (call.Mode == RecognitionMode.Robust && !_fusion.CanScore(mask))
        {
            return Unknown(audioPath, videoPath, mask, call, start, videoStart);
        }

        long fusionStart = Stopwatch.GetTimestamp();
        float[] probabilities = Softmax(await _fusion.FuseAsync(audioPath.Features, videoPath.Features, mask, cancellationToken).ConfigureAwait(false));
        ModalityContributions? contributions = call.ComputeContributions
            ? await ComputeContributionsAsync(audioPath, videoPath, mask, probabilities, cancellationToken).ConfigureAwait(false)
            : null;

        int best = TensorPrimitives.IndexOfMax(probabilities);
        string rawLabel = Labels[best];
        // Silence is evidence (nobody shouting in anger or fear); a clip without any audio track is not, outside the original.
        bool voiceless = call.Mode == RecognitionMode.Original
            ? audioPath.Status != AudioStatus.Available
            : audioPath.Status is AudioStatus.Silent or AudioStatus.NoSpeech;
        string label = voiceless && _options.SilenceOverrideLabels.Contains(rawLabel, StringComparer.OrdinalIgnoreCase)
            ? _options.SilenceOverrideLabel
            : rawLabel;
        long end = Stopwatch.GetTimestamp();

        return new EmotionPrediction
        {
            Label = label,
            RawLabel = rawLabel,
            Confidence = probabilities[best],
            Labels = Labels,
            Scores = probabilities,
            Mask = mask,
            Contributions = contributions,
            AudioRms = audioPath.Rms,
            Frames = videoPath.Frames,
            Timings = Timings(audioPath, videoPath, Stopwatch.GetElapsedTime(start, videoStart), Stopwatch.GetElapsedTime(fusionStart, end), Stopwatch.GetElapsedTime(start, end)),
        };
    }

    private static StageTimings Timings(ModalityPath<AudioStatus> audio, ModalityPath<VideoStatus> video, TimeSpan videoStart, TimeSpan fusion, TimeSpan total) => new()
    {
        VideoStart = videoStart,
        AudioPreprocessing = audio.PreprocessingTime,
        AudioEncoder = audio.EncoderTime,
        VideoPreprocessing = video.PreprocessingTime,
        VisualEncoder = video.EncoderTime,
        Fusion = fusion,
        Total = total,
    };

    /// <summary>No emotion: nothing available could be scored, so no label is computed from a zero input.</summary>
    private EmotionPrediction Unknown(ModalityPath<AudioStatus> audio, ModalityPath<VideoStatus> video, ModalityMask mask, CallSettings call, long start, long videoStart) => new()
    {
        Label = EmotionPrediction.UnknownLabel,
        RawLabel = EmotionPrediction.UnknownLabel,
        Confidence = 0f,
        Labels = Labels,
        Scores = new float[Labels.Count],
        Mask = mask,
        Contributions = call.ComputeContributions ? new ModalityContributions(0f, 0f) : null,
        AudioRms = audio.Rms,
        Frames = video.Frames,
        Timings = Timings(audio, video, Stopwatch.GetElapsedTime(start, videoStart), TimeSpan.Zero, Stopwatch.GetElapsedTime(start)),
    };

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

        _silentAudio.Dispose();
        _blankVideo.Dispose();
        foreach (IDisposable part in _owned)
        {
            part.Dispose();
        }
    }

    private async Task<(ModalityPath<AudioStatus> Audio, ModalityPath<VideoStatus> Video)> RunModalitiesOverlappedAsync(EmotionInput input, RecognitionMode mode, CancellationToken cancellationToken)
    {
        // The video path (face search, encoder) is the long one: it runs on the pool while this thread does the audio.
        Task<ModalityPath<VideoStatus>> videoTask = Task.Run(() => RunVideoPathAsync(input.Frames ?? [], mode, cancellationToken), cancellationToken);
        ModalityPath<AudioStatus> audio;
        try
        {
            audio = await RunAudioPathAsync(input.Audio, mode, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseWhenDoneAsync(videoTask).ConfigureAwait(false);
            throw;
        }

        try
        {
            return (audio, await videoTask.ConfigureAwait(false));
        }
        catch
        {
            audio.Dispose();
            throw;
        }
    }

    /// <summary>Waits for a video path that is no longer wanted and returns its buffers; its own failure is moot then.</summary>
    private static async Task ReleaseWhenDoneAsync(Task<ModalityPath<VideoStatus>> videoTask)
    {
        try
        {
            (await videoTask.ConfigureAwait(false)).Dispose();
        }
        catch (Exception ex) when (ex is NeuroSyncException or OperationCanceledException or ArgumentException)
        {
            // The audio path's exception is the one the caller sees.
        }
    }

    internal static void ValidateScheduling(EmotionRecognizerOptions options, string parameterName)
    {
        if (!Enum.IsDefined(options.ModalityScheduling))
        {
            throw new ArgumentOutOfRangeException(parameterName, options.ModalityScheduling, "EmotionRecognizerOptions.ModalityScheduling: expected Automatic, Sequential or Overlapped.");
        }
    }

    private static float[] Softmax(float[] logits)
    {
        if (!TensorPrimitives.IsFiniteAll(logits))
        {
            throw new NeuroSyncException($"Fusion output: expected finite logits, found [{string.Join(", ", logits)}].");
        }

        var probabilities = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, probabilities);
        return probabilities;
    }

    private async Task<ModalityPath<AudioStatus>> RunAudioPathAsync(AudioClip? clip, RecognitionMode mode, CancellationToken cancellationToken)
    {
        if (clip is null)
        {
            return new(AudioStatus.Missing, await _silentAudio.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        long start = Stopwatch.GetTimestamp();
        float[] waveform = _buffers.Rent(_audioPreprocessor.MaxSamples);
        try
        {
            AudioPreprocessingResult result = _audioPreprocessor.Preprocess(clip, waveform.AsSpan(0, _audioPreprocessor.MaxSamples), mode, cancellationToken);

            TimeSpan preprocessing = Stopwatch.GetElapsedTime(start);
            if (result.Status != AudioStatus.Available)
            {
                return new(result.Status, await _silentAudio.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, preprocessing, TimeSpan.Zero) { Rms = result.Rms };
            }

            long encoderStart = Stopwatch.GetTimestamp();
            FeatureMatrix features = await _audioEncoder.EncodeAsync(waveform.AsMemory(0, _audioPreprocessor.MaxSamples), cancellationToken).ConfigureAwait(false);
            return new(result.Status, features, owned: true, preprocessing, Stopwatch.GetElapsedTime(encoderStart)) { Rms = result.Rms };
        }
        finally
        {
            _buffers.Return(waveform);
        }
    }

    private async Task<ModalityPath<VideoStatus>> RunVideoPathAsync(IReadOnlyList<VideoFrame> frames, RecognitionMode mode, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int length = _videoPreprocessor.TensorLength(frames.Count);
        if (_videoPreprocessor.SampledFrameCount(frames.Count) == 0)
        {
            return new(VideoStatus.NoFrames, await _blankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        float[] tensor = _buffers.Rent(length);
        try
        {
            VideoPreprocessingResult result = _videoPreprocessor.PreprocessConcurrently(frames, tensor.AsMemory(0, length), mode, cancellationToken);

            TimeSpan preprocessing = Stopwatch.GetElapsedTime(start);
            if (result.TensorFrameCount == 0)
            {
                // Robust mode with no usable face: the encoder gets what stands for no video, as for a clip without frames.
                return new(result.Status, await _blankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, preprocessing, TimeSpan.Zero) { Frames = result.Frames };
            }

            long encoderStart = Stopwatch.GetTimestamp();
            int used = result.TensorFrameCount * _videoPreprocessor.FrameTensorLength;
            FeatureMatrix features = await _visualEncoder.EncodeAsync(tensor.AsMemory(0, used), result.TensorFrameCount, cancellationToken).ConfigureAwait(false);
            return new(result.Status, features, owned: true, preprocessing, Stopwatch.GetElapsedTime(encoderStart)) { Frames = result.Frames };
        }
        finally
        {
            _buffers.Return(tensor);
        }
    }

    /// <summary>Total variation distance between the prediction and the one with a modality's features replaced by its zero-input features.</summary>
    private async Task<ModalityContributions> ComputeContributionsAsync(ModalityPath<AudioStatus> audio, ModalityPath<VideoStatus> video, ModalityMask mask, float[] probabilities, CancellationToken cancellationToken)
    {
        FeatureMatrix silentAudio = await _silentAudio.GetAsync(cancellationToken).ConfigureAwait(false);
        FeatureMatrix blankVideo = await _blankVideo.GetAsync(cancellationToken).ConfigureAwait(false);
        float audioShare = ReferenceEquals(audio.Features, silentAudio)
            ? 0f
            : Distance(probabilities, Softmax(await _fusion.FuseAsync(silentAudio, video.Features, mask, cancellationToken).ConfigureAwait(false)));
        float videoShare = ReferenceEquals(video.Features, blankVideo)
            ? 0f
            : Distance(probabilities, Softmax(await _fusion.FuseAsync(audio.Features, blankVideo, mask, cancellationToken).ConfigureAwait(false)));
        return new ModalityContributions(audioShare, videoShare);

        static float Distance(float[] p, float[] q)
        {
            float sum = 0;
            for (int i = 0; i < p.Length; i++)
            {
                sum += MathF.Abs(p[i] - q[i]);
            }

            return 0.5f * sum;
        }
    }

    /// <summary>The settings of one call: the per-call options over the recognizer's.</summary>
    private readonly record struct CallSettings(RecognitionMode Mode, bool ComputeContributions);

    /// <summary>One modality's encoder features with its status and timings; disposes the features unless they are a cached zero-input output.</summary>
    private sealed class ModalityPath<TStatus>(TStatus status, FeatureMatrix features, bool owned, TimeSpan preprocessingTime, TimeSpan encoderTime) : IDisposable
        where TStatus : struct, Enum
    {
        public TStatus Status => status;

        public FeatureMatrix Features => features;

        public TimeSpan PreprocessingTime => preprocessingTime;

        public TimeSpan EncoderTime => encoderTime;

        public float Rms { get; init; }

        public IReadOnlyList<FrameAnalysis> Frames { get; init; } = [];

        public void Dispose()
        {
            if (owned)
            {
                features.Dispose();
            }
        }
    }
}
