using System.Buffers;
using NeuroSync.Audio;
using NeuroSync.Tests.Vision;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Streaming;

/// <summary>Instant stand-ins for the models, so that stream tests can run an hour of input in seconds, with a count of
/// the feature buffers they hand out and get back, and a gate that can hold the audio encoder.</summary>
internal sealed class FakeStreamParts
{
    private int _outstanding;

    public FakeStreamParts(int frameStride = 1)
    {
        Detector = new TestFaceDetector { DetectFacesCallback = image => [new FaceBox(image.Width / 4, image.Height / 4, image.Width / 2, image.Height / 2, 0.9f)] };
        FrameStride = frameStride;
    }

    public TestFaceDetector Detector { get; }

    public int FrameStride { get; }

    /// <summary>Gets the feature buffers handed out and not yet disposed.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Gets or sets what the audio encoder awaits before it answers (it passes its token on).</summary>
    public Func<CancellationToken, Task>? BeforeAudio { get; set; }

    /// <summary>Gets or sets the voice-activity detector the recognizer's audio preprocessor gets (none by default).</summary>
    public IVoiceActivityDetector? VoiceActivity { get; set; }

    public EmotionRecognizer Recognizer() => new(
        new AudioEncoder(this),
        new VisualEncoder(this),
        new Fusion(),
        new AudioPreprocessor(new AudioPreprocessingOptions(), VoiceActivity),
        new VideoPreprocessor(Detector, new VideoPreprocessingOptions { CropSize = 8, FrameStride = FrameStride }),
        new EmotionRecognizerOptions { Mode = RecognitionMode.Original });

    private FeatureMatrix Features(int rows, int columns, float value)
    {
        var owner = new CountedOwner(this, rows * columns);
        owner.Memory.Span.Fill(value);
        Interlocked.Increment(ref _outstanding);
        return new FeatureMatrix(owner, rows, columns);
    }

    private static float Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return values.IsEmpty ? 0f : (float)(sum / values.Length);
    }

    private sealed class CountedOwner(FakeStreamParts parts, int length) : IMemoryOwner<float>
    {
        private float[]? _array = ArrayPool<float>.Shared.Rent(length);

        public Memory<float> Memory => _array.AsMemory(0, length);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<float>.Shared.Return(array);
                Interlocked.Decrement(ref parts._outstanding);
            }
        }
    }

    private sealed class AudioEncoder(FakeStreamParts parts) : IAudioEncoder
    {
        public int InputLength => OriginalDefaults.MaxSamples;

        public int FeatureDimension => 4;

        public async ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> waveform, CancellationToken cancellationToken = default)
        {
            if (parts.BeforeAudio is { } wait)
            {
                await wait(cancellationToken);
            }

            return parts.Features(2, 4, Mean(waveform.Span));
        }

        public void Dispose()
        {
        }
    }

    private sealed class VisualEncoder(FakeStreamParts parts) : IVisualEncoder
    {
        public int CropSize => 8;

        public int FeatureDimension => 4;

        public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(parts.Features(frameCount, 4, Mean(frames.Span)));

        public void Dispose()
        {
        }
    }

    private sealed class Fusion : IFusionEngine
    {
        public EmotionLabelSet Labels => EmotionLabelSet.Default;

        public ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default)
        {
            float a = Mean(audio.Memory.Span), v = Mean(video.Memory.Span);
            return ValueTask.FromResult(new[] { a, v, a - v, a + v, 0f, -a, -v });
        }

        public void Dispose()
        {
        }
    }
}
