using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace NeuroSync.Audio;

/// <summary>
/// Turns an <see cref="AudioClip"/> into the audio encoder's input, as the original system does: mono (mean of the
/// channels), resampled to <see cref="AudioPreprocessingOptions.TargetSampleRate"/>, the first
/// <see cref="AudioPreprocessingOptions.MaxSamples"/> samples, an RMS silence gate, then Wav2Vec2 zero-mean
/// unit-variance normalisation of the valid part and zero padding. With an <see cref="IVoiceActivityDetector"/>, audio
/// that passes the RMS gate must also contain speech, or it counts as <see cref="AudioStatus.NoSpeech"/>.
/// </summary>
/// <remarks>
/// Thread-safe and immutable after construction: one instance can serve every request. Per-call state lives in
/// locals and pooled buffers; the only shared state is a small cache of resampling filters keyed by source rate.
/// The caller's samples are never written.
/// </remarks>
public sealed class AudioPreprocessor
{
    /// <summary>The most source rates whose resampling filters are kept; others are designed per call.</summary>
    private const int MaxCachedResamplers = 16;

    /// <summary>The level the robust gate brings audio to before the detector scores it: -26 dBFS, a normal speaking level.</summary>
    private const float VoiceActivityLevelRms = 0.05f;

    /// <summary>Why robust mode cannot run on a preprocessor without a detector, for this class and the recognizer that checks it early.</summary>
    internal const string RobustNeedsDetector =
        "Robust mode decides audio availability by voice activity: expected an AudioPreprocessor with an IVoiceActivityDetector "
        + "(for example SileroVoiceActivity.CreateBuiltIn()), found none. Pass one, or use RecognitionMode.Original.";

    private readonly AudioPreprocessingOptions _options;
    private readonly IVoiceActivityDetector? _voiceActivity;
    private readonly ConcurrentDictionary<int, SincResampler> _resamplers = new();

    /// <summary>Creates a preprocessor.</summary>
    /// <param name="options">The settings, copied (later changes to the instance have no effect); <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivity">A speech detector run after the RMS gate; none (the original system's behaviour) when
    /// <see langword="null"/>. The caller keeps owning it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (see <see cref="AudioPreprocessingOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentException">The detector's sample rate differs from <see cref="AudioPreprocessingOptions.TargetSampleRate"/>.</exception>
    public AudioPreprocessor(AudioPreprocessingOptions? options = null, IVoiceActivityDetector? voiceActivity = null)
    {
        _options = options?.Clone() ?? new AudioPreprocessingOptions();
        _options.Validate();
        if (voiceActivity is not null && voiceActivity.SampleRate != _options.TargetSampleRate)
        {
            throw new ArgumentException($"Voice-activity detector: expected one at the target rate {_options.TargetSampleRate} Hz, found one at {voiceActivity.SampleRate} Hz.", nameof(voiceActivity));
        }

        _voiceActivity = voiceActivity;
    }

    /// <summary>Gets the speech detector run after the RMS gate, or <see langword="null"/> when there is none.</summary>
    public IVoiceActivityDetector? VoiceActivityDetector => _voiceActivity;

    /// <summary>Gets the rate, in hertz, of the encoder input.</summary>
    public int TargetSampleRate => _options.TargetSampleRate;

    /// <summary>Gets the encoder input length in samples: the length every destination must have.</summary>
    public int MaxSamples => _options.MaxSamples;

    /// <summary>Gets a copy of the settings in use.</summary>
    public AudioPreprocessingOptions Options => _options.Clone();

    /// <summary>Fills <paramref name="destination"/> with the encoder input for <paramref name="clip"/>.</summary>
    /// <param name="clip">The audio; it is read, never written.</param>
    /// <param name="destination">Exactly <see cref="MaxSamples"/> samples, all of which are written.</param>
    /// <returns>The availability decision, the RMS, the speech found, and how many samples are real audio rather than padding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="MaxSamples"/> long.</exception>
    /// <exception cref="InvalidAudioException">The clip is empty or has a NaN or infinite sample among those used.</exception>
    public AudioPreprocessingResult Preprocess(AudioClip clip, Span<float> destination) => Preprocess(clip, destination, RecognitionMode.Original);

    /// <summary>Fills <paramref name="destination"/> with the encoder input for <paramref name="clip"/>, deciding availability
    /// as <paramref name="mode"/> says.</summary>
    /// <param name="clip">The audio; it is read, never written.</param>
    /// <param name="destination">Exactly <see cref="MaxSamples"/> samples, all of which are written.</param>
    /// <param name="mode"><see cref="RecognitionMode.Original"/>: the RMS gate (then the detector when
    /// <see cref="AudioPreprocessingOptions.VoiceActivityAfterRmsGate"/>). <see cref="RecognitionMode.Robust"/>: silent below
    /// <see cref="AudioPreprocessingOptions.SilenceFloorRms"/>, otherwise the detector decides on the signal brought to a
    /// fixed level, whatever the recording level.</param>
    /// <param name="cancellationToken">Cancels the voice-activity search.</param>
    /// <returns>The availability decision, the RMS, the speech found, and how many samples are real audio rather than padding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="MaxSamples"/> long.</exception>
    /// <exception cref="InvalidAudioException">The clip is empty or has a NaN or infinite sample among those used.</exception>
    /// <exception cref="InvalidOperationException">Robust mode, and the preprocessor has no voice-activity detector.</exception>
    public AudioPreprocessingResult Preprocess(AudioClip clip, Span<float> destination, RecognitionMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (destination.Length != _options.MaxSamples)
        {
            ThrowHelper.ThrowDestinationLength(nameof(destination), _options.MaxSamples, destination.Length);
        }

        if (mode == RecognitionMode.Robust && _voiceActivity is null)
        {
            throw new InvalidOperationException(RobustNeedsDetector);
        }

        int valid = GetMonoLength(clip, out SincResampler? resampler);
        Span<float> mono = destination[..valid];
        WriteMono(clip, resampler, mono);

        double rms = AudioKernels.Rms(mono);
        AudioStatus status;
        VoiceActivity? activity = null;
        if (mode == RecognitionMode.Robust)
        {
            (status, activity) = DetectAtFixedLevel(mono, cancellationToken);
        }
        else
        {
            status = rms < _options.SilenceRmsThreshold ? AudioStatus.Silent : AudioStatus.Available;
            if (status == AudioStatus.Available && _voiceActivity is not null && _options.VoiceActivityAfterRmsGate)
            {
                activity = _voiceActivity.Detect(mono, cancellationToken);
                status = activity.Value.HasSpeech ? AudioStatus.Available : AudioStatus.NoSpeech;
            }
        }

        if (status != AudioStatus.Available)
        {
            destination.Clear();
        }
        else if (_options.Normalize)
        {
            AudioKernels.NormalizeWav2Vec2(mono, destination, _options.NormalizationEpsilon);
        }
        else
        {
            destination[valid..].Clear();
        }

        return new AudioPreprocessingResult(status, (float)rms, valid, clip.SampleRate) { VoiceActivity = activity };
    }

    /// <summary>The robust gate: a floor for digital silence, then the detector on the signal without its offset and
    /// scaled to <see cref="VoiceActivityLevelRms"/> (no sample above 1), since detectors score quiet speech lower than
    /// the same speech at a normal level.</summary>
    private (AudioStatus Status, VoiceActivity? Activity) DetectAtFixedLevel(ReadOnlySpan<float> mono, CancellationToken cancellationToken)
    {
        float mean = TensorPrimitives.Sum(mono) / mono.Length;
        using var levelled = new PooledBuffer<float>(mono.Length);
        Span<float> centred = levelled.Span;
        TensorPrimitives.Subtract(mono, mean, centred);
        float acRms = TensorPrimitives.Norm(centred) / MathF.Sqrt(mono.Length);
        if (!(acRms >= _options.SilenceFloorRms) || acRms == 0f)
        {
            return (AudioStatus.Silent, null);
        }

        float peak = TensorPrimitives.MaxMagnitude(centred);
        TensorPrimitives.Multiply(centred, MathF.Min(VoiceActivityLevelRms / acRms, 1f / peak), centred);
        VoiceActivity activity = _voiceActivity!.Detect(centred, cancellationToken);
        return (activity.HasSpeech ? AudioStatus.Available : AudioStatus.NoSpeech, activity);
    }

    /// <summary>Returns the mono signal at <see cref="TargetSampleRate"/>, cut to <see cref="MaxSamples"/>, before gating and normalisation.</summary>
    /// <param name="clip">The audio; it is read, never written.</param>
    /// <returns>A new array of up to <see cref="MaxSamples"/> samples.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidAudioException">The clip is empty or has a NaN or infinite sample among those used.</exception>
    public float[] ResampleToMono(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var mono = new float[GetMonoLength(clip, out SincResampler? resampler)];
        WriteMono(clip, resampler, mono);
        return mono;
    }

    /// <summary>Writes the mono signal at <see cref="TargetSampleRate"/>, cut to <see cref="MaxSamples"/>, before gating and normalisation.</summary>
    /// <param name="clip">The audio; it is read, never written.</param>
    /// <param name="destination">At least <see cref="MaxSamples"/> samples; those past the returned count are left unchanged.</param>
    /// <returns>How many samples were written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="MaxSamples"/>.</exception>
    /// <exception cref="InvalidAudioException">The clip is empty or has a NaN or infinite sample among those used.</exception>
    public int ResampleToMono(AudioClip clip, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (destination.Length < _options.MaxSamples)
        {
            ThrowHelper.ThrowDestinationTooShort(nameof(destination), _options.MaxSamples, destination.Length);
        }

        int count = GetMonoLength(clip, out SincResampler? resampler);
        WriteMono(clip, resampler, destination[..count]);
        return count;
    }

    /// <summary>The filter used for clips at <paramref name="sourceRate"/> (cached for up to 16 rates).</summary>
    internal SincResampler GetResampler(int sourceRate)
    {
        if (_resamplers.TryGetValue(sourceRate, out SincResampler? cached))
        {
            return cached;
        }

        var designed = new SincResampler(sourceRate, _options.TargetSampleRate);
        return _resamplers.Count < MaxCachedResamplers ? _resamplers.GetOrAdd(sourceRate, designed) : designed;
    }

    /// <summary>How many samples at the target rate <paramref name="frames"/> frames at <paramref name="sampleRate"/> yield,
    /// before the cut to <see cref="MaxSamples"/>: 0 for fewer than one.</summary>
    internal long TargetLength(int frames, int sampleRate) =>
        sampleRate == _options.TargetSampleRate ? frames : GetResampler(sampleRate).GetOutputLength(frames);

    /// <summary>How many mono samples at the target rate the clip yields, at most <see cref="MaxSamples"/>, and the resampler
    /// it needs (<see langword="null"/> when the clip is already at the target rate).</summary>
    private int GetMonoLength(AudioClip clip, out SincResampler? resampler)
    {
        int frames = clip.FrameCount;
        if (frames == 0)
        {
            ThrowHelper.ThrowInvalidAudio("Audio: expected at least 1 sample, found 0.");
        }

        resampler = clip.SampleRate == _options.TargetSampleRate ? null : GetResampler(clip.SampleRate);
        long length = TargetLength(frames, clip.SampleRate);
        if (length == 0)
        {
            ThrowHelper.ThrowInvalidAudio(
                $"Audio: expected at least 1 sample at {_options.TargetSampleRate} Hz, found 0 after resampling {frames} frame(s) at {clip.SampleRate} Hz.");
        }

        return (int)Math.Min(length, _options.MaxSamples);
    }

    /// <summary>Writes the first <c>destination.Length</c> mono samples at the target rate.</summary>
    private static void WriteMono(AudioClip clip, SincResampler? resampler, Span<float> destination)
    {
        int channels = clip.Channels;
        ReadOnlySpan<float> samples = clip.Samples.Span;
        if (resampler is null)
        {
            ReadOnlySpan<float> used = samples[..(destination.Length * channels)];
            CheckFinite(used, channels);
            AudioKernels.MixToMono(used, channels, destination);
            return;
        }

        int margin = resampler.HalfTaps;
        int frames = resampler.GetInputFramesNeeded(destination.Length, clip.FrameCount);
        ReadOnlySpan<float> input = samples[..(frames * channels)];
        CheckFinite(input, channels);

        int paddedLength = frames + (2 * margin);
        float[] rented = ArrayPool<float>.Shared.Rent(paddedLength);
        try
        {
            Span<float> padded = rented.AsSpan(0, paddedLength);
            padded[..margin].Clear();
            AudioKernels.MixToMono(input, channels, padded.Slice(margin, frames));
            padded[(margin + frames)..].Clear();
            resampler.Process(padded, destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> interleaved, int channels)
    {
        int bad = AudioKernels.IndexOfNonFinite(interleaved);
        if (bad >= 0)
        {
            ThrowHelper.ThrowNonFinite("Audio samples", interleaved[bad], bad, channels);
        }
    }
}
