using System.Buffers;
using System.Diagnostics;
using NeuroSync.Audio;
using NeuroSync.Vision;

namespace NeuroSync;

/// <summary>
/// The two paths before fusion: audio front-end and encoder, video front-end and encoder, one after the other or at the
/// same time, with the encoders' zero-input outputs standing for what is missing.
/// </summary>
/// <remarks>Thread-safe: per-call state lives in locals and in buffers rented from a pool this instance owns.</remarks>
internal sealed class ModalityPaths : IDisposable
{
    private const int MaxPooledLength = 1 << 25;

    private readonly IAudioEncoder _audioEncoder;
    private readonly IVisualEncoder _visualEncoder;
    private readonly AudioPreprocessor _audioPreprocessor;
    private readonly VideoPreprocessor _videoPreprocessor;

    // The waveform and frame tensors (the video tensor is megabytes) come from a pool of this instance's: the shared pool
    // keeps arrays per thread, so a server with many threads would hold one per thread; this one holds at most one array of
    // each size per core. Rentals above MaxPooledLength floats are allocated and dropped.
    private readonly ArrayPool<float> _buffers = ArrayPool<float>.Create(MaxPooledLength, Environment.ProcessorCount);

    public ModalityPaths(IAudioEncoder audioEncoder, IVisualEncoder visualEncoder, AudioPreprocessor audioPreprocessor, VideoPreprocessor videoPreprocessor, bool overlap)
    {
        _audioEncoder = audioEncoder;
        _visualEncoder = visualEncoder;
        _audioPreprocessor = audioPreprocessor;
        _videoPreprocessor = videoPreprocessor;
        Overlap = overlap;
        SilentAudio = new ZeroInputFeatures(ct => _audioEncoder.EncodeAsync(new float[_audioEncoder.InputLength], ct));
        // Clips without frames stand for as many zero frames as the front-end writes for them (10 in the original).
        int emptyFrames = _videoPreprocessor.EmptyVideoFrameCount;
        BlankVideo = new ZeroInputFeatures(ct => _visualEncoder.EncodeAsync(new float[emptyFrames * _videoPreprocessor.FrameTensorLength], emptyFrames, ct));
    }

    /// <summary>Gets a value indicating whether the video path runs on the pool while the caller's thread does the audio.</summary>
    public bool Overlap { get; }

    /// <summary>Gets the audio encoder's output for silence, which stands for silent or missing audio.</summary>
    public ZeroInputFeatures SilentAudio { get; }

    /// <summary>Gets the visual encoder's output for the zero frames that stand for no usable video.</summary>
    public ZeroInputFeatures BlankVideo { get; }

    /// <summary>Runs both paths on a clip.</summary>
    /// <param name="input">The clip.</param>
    /// <param name="mode">The recognition mode.</param>
    /// <param name="start">The timestamp at which the call began (the video path's start when the paths overlap).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Both paths' features (the caller disposes them) and the timestamp at which the video path began.</returns>
    public async Task<(ModalityFeatures<AudioStatus> Audio, ModalityFeatures<VideoStatus> Video, long VideoStart)> RunAsync(EmotionInput input, RecognitionMode mode, long start, CancellationToken cancellationToken)
    {
        IReadOnlyList<VideoFrame> frames = input.Frames ?? [];
        if (Overlap)
        {
            var (audio, video) = await RunOverlappedAsync(input.Audio, frames, mode, cancellationToken).ConfigureAwait(false);
            return (audio, video, start);
        }

        ModalityFeatures<AudioStatus> audioFirst = await RunAudioAsync(input.Audio, mode, cancellationToken).ConfigureAwait(false);
        long videoStart = Stopwatch.GetTimestamp();
        try
        {
            return (audioFirst, await RunVideoAsync(frames, mode, cancellationToken).ConfigureAwait(false), videoStart);
        }
        catch
        {
            audioFirst.Dispose();
            throw;
        }
    }

    /// <summary>Runs the audio front-end and, when the audio is usable, the encoder.</summary>
    /// <param name="clip">The audio, or <see langword="null"/> for a clip without any.</param>
    /// <param name="mode">The recognition mode.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The features, which the caller disposes.</returns>
    public async Task<ModalityFeatures<AudioStatus>> RunAudioAsync(AudioClip? clip, RecognitionMode mode, CancellationToken cancellationToken)
    {
        if (clip is null)
        {
            return new(AudioStatus.Missing, await SilentAudio.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        long start = Stopwatch.GetTimestamp();
        float[] waveform = _buffers.Rent(_audioPreprocessor.MaxSamples);
        try
        {
            AudioPreprocessingResult result = _audioPreprocessor.Preprocess(clip, waveform.AsSpan(0, _audioPreprocessor.MaxSamples), mode, cancellationToken);

            TimeSpan preprocessing = Stopwatch.GetElapsedTime(start);
            if (result.Status != AudioStatus.Available)
            {
                return new(result.Status, await SilentAudio.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, preprocessing, TimeSpan.Zero) { Rms = result.Rms };
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

    /// <summary>Runs the video front-end on the sampled frames and, when a frame is usable, the encoder.</summary>
    /// <param name="frames">The clip's frames.</param>
    /// <param name="mode">The recognition mode.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The features, which the caller disposes.</returns>
    public async Task<ModalityFeatures<VideoStatus>> RunVideoAsync(IReadOnlyList<VideoFrame> frames, RecognitionMode mode, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int length = _videoPreprocessor.TensorLength(frames.Count);
        if (_videoPreprocessor.SampledFrameCount(frames.Count) == 0)
        {
            return new(VideoStatus.NoFrames, await BlankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        float[] tensor = _buffers.Rent(length);
        try
        {
            VideoPreprocessingResult result = _videoPreprocessor.PreprocessConcurrently(frames, tensor.AsMemory(0, length), mode, cancellationToken);

            TimeSpan preprocessing = Stopwatch.GetElapsedTime(start);
            if (result.TensorFrameCount == 0)
            {
                // Robust mode with no usable face: the encoder gets what stands for no video, as for a clip without frames.
                return new(result.Status, await BlankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, preprocessing, TimeSpan.Zero) { Frames = result.Frames };
            }

            long encoderStart = Stopwatch.GetTimestamp();
            int used = result.TensorFrameCount * _videoPreprocessor.FrameTensorLength;
            FeatureMatrix features = await _visualEncoder.EncodeCropsAsync(tensor.AsMemory(0, used), result.TensorFrameCount, result.CroppedAroundFace, cancellationToken).ConfigureAwait(false);
            return new(result.Status, features, owned: true, preprocessing, Stopwatch.GetElapsedTime(encoderStart)) { Frames = result.Frames };
        }
        finally
        {
            _buffers.Return(tensor);
        }
    }

    public void Dispose()
    {
        SilentAudio.Dispose();
        BlankVideo.Dispose();
    }

    private async Task<(ModalityFeatures<AudioStatus> Audio, ModalityFeatures<VideoStatus> Video)> RunOverlappedAsync(AudioClip? clip, IReadOnlyList<VideoFrame> frames, RecognitionMode mode, CancellationToken cancellationToken)
    {
        // The video path (face search, encoder) is the long one: it runs on the pool while this thread does the audio.
        Task<ModalityFeatures<VideoStatus>> videoTask = Task.Run(() => RunVideoAsync(frames, mode, cancellationToken), cancellationToken);
        ModalityFeatures<AudioStatus> audio;
        try
        {
            audio = await RunAudioAsync(clip, mode, cancellationToken).ConfigureAwait(false);
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
    private static async Task ReleaseWhenDoneAsync(Task<ModalityFeatures<VideoStatus>> videoTask)
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
}
