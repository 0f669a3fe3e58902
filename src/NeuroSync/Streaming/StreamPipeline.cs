using System.Diagnostics;
using NeuroSync.Audio;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Streaming;

/// <summary>
/// A stream's state between writes: one window of audio at the input rate, the frames of the open windows with their
/// analyses and encoder rows, and the hop schedule. Not thread-safe: only the stream's loop calls it. Up to
/// <c>parallelism</c> frames are analysed at once on the thread pool; their results are taken in arrival order (the face
/// tracker, the face lists), and every frame in flight is taken in before a window closes, so the windows are the same
/// as when each frame is analysed on arrival, one after another.
/// </summary>
internal sealed class StreamPipeline : IDisposable
{
    private static readonly ReadOnlyMemory<bool> FaceCropped = new[] { true };

    private readonly ModalityPaths _paths;
    private readonly FusionStage _fusion;
    private readonly VideoPreprocessor _video;
    private readonly IVisualEncoder _visualEncoder;
    private readonly AudioPreprocessor _audioPreprocessor;
    private readonly IVoiceActivityDetector? _voiceActivity;
    private readonly CallSettings _call;
    private readonly TimeSpan _hop;
    private readonly TimeSpan _window;
    private readonly double? _maxFrameRate;
    private readonly int _stride;
    private readonly bool _perFrameScores;
    private readonly int _parallelism;
    private readonly Stack<float[]> _freeCrops = new();
    private readonly Queue<FrameInFlight> _inFlight = new();
    private readonly List<FrameEntry> _frames = [];
    private readonly List<StreamFace> _faces = [];
    private readonly List<UtteranceEvent> _utterances = [];
    private readonly FaceTracker _tracker = new();

    private float[] _audio = [];
    private int _audioRate;
    private int _audioChannels;
    private long _audioBase;
    private long _audioTotal;
    private long _nextWindow = 1;
    private long _frameCount;
    private TimeSpan _lastFrameTime = TimeSpan.MinValue;
    private long _lastFrameSlot = long.MinValue;
    private bool _speaking;
    private int _rejected;
    private int _totalRejected;

    public StreamPipeline(
        ModalityPaths paths,
        FusionStage fusion,
        VideoPreprocessor video,
        IVisualEncoder visualEncoder,
        AudioPreprocessor audioPreprocessor,
        CallSettings call,
        TimeSpan hop,
        TimeSpan window,
        double? maxFrameRate,
        int parallelism)
    {
        _paths = paths;
        _fusion = fusion;
        _video = video;
        _visualEncoder = visualEncoder;
        _audioPreprocessor = audioPreprocessor;
        _voiceActivity = audioPreprocessor.VoiceActivityDetector is { } vad && vad.SampleRate == audioPreprocessor.TargetSampleRate ? vad : null;
        _call = call;
        _hop = hop;
        _window = window;
        _maxFrameRate = maxFrameRate;
        _stride = video.FrameStride;
        _perFrameScores = visualEncoder is OnnxVisualClassifier;
        _parallelism = parallelism;
        for (int i = 0; i < parallelism; i++)
        {
            _freeCrops.Push(new float[video.FrameTensorLength]);
        }
    }

    /// <summary>Gets the time between updates.</summary>
    public TimeSpan Hop => _hop;

    /// <summary>Gets the length of the judged windows (the option, or the model set's clip length).</summary>
    public TimeSpan Window => _window;

    /// <summary>Gets or sets what is told of each frame as soon as it is analysed, on the stream's loop.</summary>
    public Action<StreamFace>? FrameAnalysed { get; set; }

    /// <summary>Gets the frames dropped by the loop so far.</summary>
    public int TotalRejectedFrames => Volatile.Read(ref _totalRejected);

    /// <summary>Takes an audio chunk, closing every window its samples complete.</summary>
    public async ValueTask<IReadOnlyList<StreamWindow>> AddAudioAsync(AudioClip clip, CancellationToken cancellationToken)
    {
        if (_audioRate == 0)
        {
            (_audioRate, _audioChannels) = (clip.SampleRate, clip.Channels);
            _audio = new float[(FrameAt(_window) + FrameAt(_hop) + 1) * _audioChannels];
        }

        var closed = new List<StreamWindow>();
        int offset = 0;
        while (offset < clip.FrameCount)
        {
            long windowEnd = FrameAt(End(_nextWindow));
            int take = (int)Math.Min(clip.FrameCount - offset, windowEnd - _audioTotal);
            Append(clip.Samples.Span.Slice(offset * _audioChannels, take * _audioChannels));
            offset += take;
            if (_audioTotal == windowEnd)
            {
                await TakeFramesInFlightAsync().ConfigureAwait(false);
                closed.Add(Close(_nextWindow, cancellationToken));
            }
        }

        return closed;
    }

    /// <summary>Takes a frame (and disposes it, once analysed), first closing the windows it shows have passed when the
    /// frames keep the clock.</summary>
    public async ValueTask<IReadOnlyList<StreamWindow>> AddFrameAsync(Image<Rgb24> image, TimeSpan timestamp, CancellationToken cancellationToken)
    {
        bool analysing = false;
        try
        {
            var closed = new List<StreamWindow>();
            // Frames keep the clock until audio arrives, and when the audio lags by more than a window (which bounds the
            // frames held ahead of it): the windows ending at or before this clock have passed.
            TimeSpan clock = _audioRate == 0 ? timestamp : timestamp - _window;
            await CloseThroughAsync(clock < TimeSpan.Zero ? 0 : clock.Ticks / _hop.Ticks, closed, cancellationToken).ConfigureAwait(false);

            if (timestamp < _lastFrameTime || timestamp < Start(_nextWindow))
            {
                Reject();
                return closed;
            }

            _lastFrameTime = timestamp;
            if (_maxFrameRate is { } rate)
            {
                long slot = (long)Math.Floor(timestamp.Ticks * rate / TimeSpan.TicksPerSecond);
                if (slot == _lastFrameSlot)
                {
                    return closed;
                }

                _lastFrameSlot = slot;
            }

            long index = _frameCount++;
            var entry = new FrameEntry(index, timestamp);
            _frames.Add(entry);
            if (IsSampledByAnOpenWindow(index, timestamp))
            {
                if (_inFlight.Count == _parallelism)
                {
                    FrameResult oldest = await _inFlight.Peek().Work.ConfigureAwait(false);
                    TakeIn(_inFlight.Dequeue(), oldest);
                }

                cancellationToken.ThrowIfCancellationRequested();
                float[] crop = _freeCrops.Pop();
                var frame = new FrameInFlight(entry, crop, image.Width, image.Height, _parallelism == 1
                    ? AnalyseAsync(image, crop, cancellationToken)
                    : Task.Run(() => AnalyseAsync(image, crop, cancellationToken), CancellationToken.None));
                analysing = true;
                _inFlight.Enqueue(frame);
                TakeFinishedFrames();
            }

            return closed;
        }
        finally
        {
            if (!analysing)
            {
                image.Dispose();
            }
        }
    }

    /// <summary>Gets the oldest frame still being analysed, or <see langword="null"/> when none is.</summary>
    public Task? OldestFrameInFlight => _inFlight.TryPeek(out FrameInFlight? frame) ? frame.Work : null;

    /// <summary>Takes in the analysed frames at the head of the queue, oldest first, without waiting for the others.</summary>
    public void TakeFinishedFrames()
    {
        while (_inFlight.TryPeek(out FrameInFlight? frame) && frame.Work.IsCompleted)
        {
            // A failed frame stays queued, so that the stream's end waits for it and keeps its crop buffer.
            FrameResult result = frame.Work.GetAwaiter().GetResult();
            TakeIn(_inFlight.Dequeue(), result);
        }
    }

    /// <summary>Waits for every frame in flight and takes it in, oldest first.</summary>
    public async ValueTask TakeFramesInFlightAsync()
    {
        while (_inFlight.TryPeek(out FrameInFlight? frame))
        {
            FrameResult result = await frame.Work.ConfigureAwait(false);
            TakeIn(_inFlight.Dequeue(), result);
        }
    }

    /// <summary>Waits for the frames in flight without taking them in, after the stream stopped or failed: each disposes its
    /// image, and none still runs a model once the stream has ended.</summary>
    public async Task AbandonFramesInFlightAsync()
    {
        while (_inFlight.TryDequeue(out FrameInFlight? frame))
        {
            try
            {
                await frame.Work.ConfigureAwait(false);
            }
            catch
            {
                // The stream has already ended with its own outcome; a frame's failure after that changes nothing.
            }

            _freeCrops.Push(frame.Crop);
        }
    }

    /// <summary>Closes the windows that hold what is left, after the input completed.</summary>
    public async ValueTask<IReadOnlyList<StreamWindow>> FlushAsync()
    {
        await TakeFramesInFlightAsync().ConfigureAwait(false);
        long last = _nextWindow - 1;
        while (_audioRate != 0 && FrameAt(End(last)) < _audioTotal)
        {
            last++;
        }

        if (_frameCount > 0)
        {
            last = Math.Max(last, (_lastFrameTime.Ticks / _hop.Ticks) + 1);
        }

        var closed = new List<StreamWindow>();
        await CloseThroughAsync(last, closed, CancellationToken.None).ConfigureAwait(false);
        return closed;
    }

    /// <summary>Takes what was seen after the last closed window when no window is left to hold it (a frame that came after
    /// the input's last window was judged): its faces, events and drops go with the final update.</summary>
    public (IReadOnlyList<StreamFace> Faces, IReadOnlyList<UtteranceEvent> Utterances, int RejectedFrames) TakeUnjudged()
    {
        var unjudged = (Faces: (IReadOnlyList<StreamFace>)[.. _faces], Utterances: (IReadOnlyList<UtteranceEvent>)[.. _utterances], RejectedFrames: _rejected);
        _faces.Clear();
        _utterances.Clear();
        _rejected = 0;
        return unjudged;
    }

    /// <summary>Judges a closed window: the audio path on its samples, its frames' encoder rows, fusion.</summary>
    public async Task<EmotionPrediction> PredictAsync(StreamWindow window, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        using ModalityFeatures<AudioStatus> audio = await _paths.RunAudioAsync(window.Audio, _call.Mode, cancellationToken).ConfigureAwait(false);
        using ModalityFeatures<VideoStatus> video = await VideoFeaturesAsync(window, cancellationToken).ConfigureAwait(false);
        return await _fusion.PredictAsync(audio, video, _call, start, start, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _frames.Clear();
        _audio = [];
    }

    private async Task<ModalityFeatures<VideoStatus>> VideoFeaturesAsync(StreamWindow window, CancellationToken cancellationToken)
    {
        if (window.SampledFrames.Count == 0)
        {
            return new(VideoStatus.NoFrames, await _paths.BlankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        VideoStatus status = VideoPreprocessor.Summarise(window.SampledFrames);
        if (window.Features.Count == 0)
        {
            return new(status, await _paths.BlankVideo.GetAsync(cancellationToken).ConfigureAwait(false), owned: false, TimeSpan.Zero, TimeSpan.Zero) { Frames = window.SampledFrames };
        }

        int columns = _visualEncoder.FeatureDimension;
        var rows = new float[window.Features.Count * columns];
        for (int i = 0; i < window.Features.Count; i++)
        {
            window.Features[i].CopyTo(rows, i * columns);
        }

        return new(status, new FeatureMatrix(rows, window.Features.Count, columns), owned: true, TimeSpan.Zero, TimeSpan.Zero) { Frames = window.SampledFrames };
    }

    private TimeSpan End(long window) => _hop * window;

    private TimeSpan Start(long window) => TimeSpan.FromTicks(Math.Max(0, End(window).Ticks - _window.Ticks));

    /// <summary>The audio frame at a stream time (the first at or after it).</summary>
    private long FrameAt(TimeSpan time) => (long)Math.Ceiling(time.Ticks * (double)(_audioRate == 0 ? 1 : _audioRate) / TimeSpan.TicksPerSecond);

    private void Append(ReadOnlySpan<float> samples)
    {
        // Samples before the next window's start (audio that lags frames by more than a window) are counted, not kept.
        long keep = FrameAt(Start(_nextWindow));
        if (_audioTotal < keep)
        {
            int skip = (int)Math.Min(samples.Length / _audioChannels, keep - _audioTotal);
            samples = samples[(skip * _audioChannels)..];
            _audioTotal += skip;
        }

        TrimAudio(keep);
        samples.CopyTo(_audio.AsSpan((int)(_audioTotal - _audioBase) * _audioChannels));
        _audioTotal += samples.Length / _audioChannels;
    }

    /// <summary>Whether a frame arriving now is one that a window not yet closed samples: the clip rule (every
    /// <c>stride</c>-th frame of the window's) applied to each open window holding it, whose first frame has arrived already.</summary>
    private bool IsSampledByAnOpenWindow(long index, TimeSpan timestamp)
    {
        for (long w = Math.Max(_nextWindow, (timestamp.Ticks / _hop.Ticks) + 1); Start(w) <= timestamp; w++)
        {
            long first = index;
            for (int i = _frames.Count - 1; i >= 0 && _frames[i].Time >= Start(w); i--)
            {
                first = _frames[i].Index;
            }

            if ((index - first + 1) % _stride == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Detects, crops and encodes one frame, and disposes it. A frame that fails to preprocess is a rejected
    /// result, not an exception: only a model's failure ends the stream.</summary>
    private async Task<FrameResult> AnalyseAsync(Image<Rgb24> image, float[] crop, CancellationToken cancellationToken)
    {
        using (image)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FrameAnalysis analysis;
            try
            {
                analysis = _video.PreprocessFrame(image, crop, 0, _call.Mode, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidImageException or ArgumentException)
            {
                return FrameResult.Rejected;
            }

            if (_call.Mode != RecognitionMode.Original && analysis.Status != VideoStatus.Available)
            {
                return new FrameResult(analysis, null);
            }

            using FeatureMatrix features = await _visualEncoder.EncodeCropsAsync(crop, 1, analysis.CroppedAroundFace ? FaceCropped : default, cancellationToken).ConfigureAwait(false);
            return new FrameResult(analysis, features.GetRow(0).ToArray());
        }
    }

    /// <summary>Records an analysed frame, in arrival order: its analysis and encoder row, its face and track id.</summary>
    private void TakeIn(FrameInFlight frame, FrameResult result)
    {
        _freeCrops.Push(frame.Crop);
        if (result.Analysis is not { } analysis)
        {
            Reject();
            return;
        }

        frame.Entry.Analysis = analysis;
        frame.Entry.Features = result.Features;
        IReadOnlyList<float>? scores = _perFrameScores && result.Features is { } row ? Array.AsReadOnly(row) : null;
        var face = new StreamFace(frame.Entry.Time, analysis.Status, analysis.Face, _tracker.Track(analysis.Face), scores, frame.Width, frame.Height);
        _faces.Add(face);
        FrameAnalysed?.Invoke(face);
    }

    /// <summary>Closes the windows up to <paramref name="last"/>. Once one holds nothing, neither do the rest (all input so far
    /// is before its start): a gap in the input, or a frame clock that jumps ahead, so they are passed over unjudged, and the
    /// work stays bounded by the window whatever the jump.</summary>
    private async ValueTask CloseThroughAsync(long last, List<StreamWindow> closed, CancellationToken cancellationToken)
    {
        if (_nextWindow <= last)
        {
            await TakeFramesInFlightAsync().ConfigureAwait(false);
        }

        while (_nextWindow <= last)
        {
            if (HoldsNothingFrom(Start(_nextWindow)))
            {
                _nextWindow = last + 1;
                Trim();
                return;
            }

            closed.Add(Close(_nextWindow, cancellationToken));
        }
    }

    private bool HoldsNothingFrom(TimeSpan time) =>
        (_frameCount == 0 || _lastFrameTime < time) && (_audioRate == 0 || _audioTotal <= FrameAt(time));

    private StreamWindow Close(long window, CancellationToken cancellationToken)
    {
        TimeSpan start = Start(window), end = End(window);
        AudioClip? audio = null;
        if (_audioRate != 0)
        {
            long from = FrameAt(start), to = Math.Min(FrameAt(end), _audioTotal);
            // Less than one sample at the model's rate (one frame at 48 kHz) counts as no audio: there is nothing to judge.
            if (to > from && _audioPreprocessor.TargetLength((int)(to - from), _audioRate) > 0)
            {
                audio = new AudioClip(_audio.AsSpan((int)(from - _audioBase) * _audioChannels, (int)(to - from) * _audioChannels).ToArray(), _audioRate, _audioChannels);
            }

            DetectUtterance(window, cancellationToken);
        }

        var sampled = new List<FrameAnalysis>();
        var features = new List<float[]>();
        int position = 0;
        foreach (FrameEntry frame in _frames)
        {
            if (frame.Time < start || frame.Time >= end)
            {
                continue;
            }

            position++;
            if (position % _stride == 0 && frame.Analysis is { } analysis)
            {
                sampled.Add(analysis with { FrameIndex = position - 1 });
                if (frame.Features is { } row)
                {
                    features.Add(row);
                }
            }
        }

        var closed = new StreamWindow(start, end, audio, sampled, features, [.. _faces], [.. _utterances], _rejected);
        _faces.Clear();
        _utterances.Clear();
        _rejected = 0;
        _nextWindow = window + 1;
        Trim();
        return closed;
    }

    /// <summary>Runs the voice-activity detector on the hop that closes the window, and records a change.</summary>
    private void DetectUtterance(long window, CancellationToken cancellationToken)
    {
        long from = Math.Max(FrameAt(End(window - 1)), _audioBase), to = Math.Min(FrameAt(End(window)), _audioTotal);
        if (_voiceActivity is null || to <= from || _audioPreprocessor.TargetLength((int)(to - from), _audioRate) == 0)
        {
            return;
        }

        var hop = new AudioClip(_audio.AsMemory((int)(from - _audioBase) * _audioChannels, (int)(to - from) * _audioChannels), _audioRate, _audioChannels);
        bool speech = _voiceActivity.Detect(_audioPreprocessor.ResampleToMono(hop), cancellationToken).HasSpeech;
        if (speech != _speaking)
        {
            _utterances.Add(new UtteranceEvent(speech ? UtteranceEventKind.Started : UtteranceEventKind.Ended, End(window - 1)));
            _speaking = speech;
        }
    }

    /// <summary>Forgets what no open window holds: audio and frames before the next window's start.</summary>
    private void Trim()
    {
        TimeSpan keep = Start(_nextWindow);
        _frames.RemoveAll(f => f.Time < keep);
        if (_audioRate != 0)
        {
            TrimAudio(FrameAt(keep));
        }
    }

    private void TrimAudio(long keep)
    {
        long from = Math.Min(keep, _audioTotal);
        if (from > _audioBase)
        {
            int drop = (int)(from - _audioBase) * _audioChannels, used = (int)(_audioTotal - _audioBase) * _audioChannels;
            _audio.AsSpan(drop, used - drop).CopyTo(_audio);
            _audioBase = from;
        }
    }

    private void Reject()
    {
        _rejected++;
        Interlocked.Increment(ref _totalRejected);
    }

    /// <summary>A frame of an open window: its place, and what was computed for it on arrival if a window samples it.</summary>
    private sealed class FrameEntry(long index, TimeSpan time)
    {
        public long Index => index;

        public TimeSpan Time => time;

        public FrameAnalysis? Analysis { get; set; }

        public float[]? Features { get; set; }
    }

    /// <summary>A frame being analysed: its entry, its crop buffer (back to the free ones once taken in) and the work.</summary>
    private sealed record FrameInFlight(FrameEntry Entry, float[] Crop, int Width, int Height, Task<FrameResult> Work);

    /// <summary>What the analysis of a frame gave: nothing when it was rejected; no row when robust mode skips the encoder.</summary>
    private sealed record FrameResult(FrameAnalysis? Analysis, float[]? Features)
    {
        public static FrameResult Rejected { get; } = new(null, null);
    }
}
