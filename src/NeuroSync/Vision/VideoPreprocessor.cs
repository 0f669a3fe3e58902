using System.Buffers;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>
/// Turns the frames of a clip into the visual encoder's input exactly as the original system does: every Nth frame, the
/// largest face (or the whole frame when there is none), OpenCV's bilinear resize to a square crop, scaling to [0, 1],
/// mean/std normalisation and planar layout in BGR (or RGB) order; plus a lighting check per frame for the modality mask.
/// </summary>
/// <remarks>Thread-safe and immutable after construction; never changes or disposes the caller's images.</remarks>
public sealed class VideoPreprocessor
{
    private readonly IFaceDetector _detector;
    private readonly VideoPreprocessingOptions _options;
    private readonly float[] _scale = new float[3];
    private readonly float[] _offset = new float[3];

    // Tensor plane p takes this byte of an interleaved BGR pixel.
    private readonly int[] _planeSource;

    /// <summary>Creates a preprocessor.</summary>
    /// <param name="detector">The face detector; a <see cref="HaarFaceDetector"/> with the original's settings when <see langword="null"/>.</param>
    /// <param name="options">The settings; the original system's when <see langword="null"/>. Copied and validated.</param>
    public VideoPreprocessor(IFaceDetector? detector = null, VideoPreprocessingOptions? options = null)
    {
        _detector = detector ?? new HaarFaceDetector();
        _options = options?.Clone() ?? new VideoPreprocessingOptions();
        _options.Validate();
        for (int p = 0; p < 3; p++)
        {
            _scale[p] = 1f / (255f * _options.Std[p]);
            _offset[p] = -_options.Mean[p] / _options.Std[p];
        }

        _planeSource = _options.ChannelOrder == ChannelOrder.Bgr ? [0, 1, 2] : [2, 1, 0];
    }

    /// <summary>Gets the number of floats one frame takes in the tensor: 3 * CropSize * CropSize.</summary>
    public int FrameTensorLength => 3 * _options.CropSize * _options.CropSize;

    /// <summary>Gets the face detector.</summary>
    public IFaceDetector FaceDetector => _detector;

    /// <summary>Gets how many zero frames stand for a clip without frames.</summary>
    internal int EmptyVideoFrameCount => _options.EmptyVideoFrameCount;

    /// <summary>Gets which frames are used: every <see cref="VideoPreprocessingOptions.FrameStride"/>-th.</summary>
    public int FrameStride => _options.FrameStride;

    /// <summary>Gets how many frames of a clip are sampled.</summary>
    /// <param name="frameCount">The number of frames in the clip.</param>
    /// <returns><paramref name="frameCount"/> divided by the stride, rounded down.</returns>
    public int SampledFrameCount(int frameCount) => Math.Max(frameCount, 0) / _options.FrameStride;

    /// <summary>Gets how many floats <see cref="Preprocess(IReadOnlyList{VideoFrame}, Span{float}, RecognitionMode, CancellationToken)"/> writes for a clip of <paramref name="frameCount"/> frames.</summary>
    /// <param name="frameCount">The number of frames in the clip.</param>
    /// <returns>The tensor length.</returns>
    public int TensorLength(int frameCount)
    {
        int sampled = SampledFrameCount(frameCount);
        return (sampled == 0 ? _options.EmptyVideoFrameCount : sampled) * FrameTensorLength;
    }

    /// <summary>Preprocesses the frames of a clip.</summary>
    /// <param name="frames">Every frame of the clip, in order (possibly none).</param>
    /// <param name="destination">Receives <c>[F, 3, CropSize, CropSize]</c>; at least <see cref="TensorLength"/> floats.</param>
    /// <param name="cancellationToken">Cancels between frames.</param>
    /// <returns>The clip's video status, the number of tensor frames and what was seen in each sampled frame.</returns>
    public VideoPreprocessingResult Preprocess(IReadOnlyList<VideoFrame> frames, Span<float> destination, CancellationToken cancellationToken = default) =>
        Preprocess(frames, destination, RecognitionMode.Original, cancellationToken);

    /// <summary>Preprocesses the frames of a clip, judging and cropping them as <paramref name="mode"/> says.</summary>
    /// <param name="frames">Every frame of the clip, in order (possibly none).</param>
    /// <param name="destination">Receives <c>[F, 3, CropSize, CropSize]</c>; at least <see cref="TensorLength"/> floats.</param>
    /// <param name="mode"><see cref="RecognitionMode.Original"/>: every sampled frame is written, the whole frame where no face
    /// was found. <see cref="RecognitionMode.Robust"/>: a face counts only where its own region is lit and not uniform, it is
    /// cropped with the face-crop settings, and only such frames are written, one after the other
    /// (<see cref="VideoPreprocessingResult.TensorFrameCount"/> may then be 0).</param>
    /// <param name="cancellationToken">Cancels between frames.</param>
    /// <returns>The clip's video status, the number of tensor frames and what was seen in each sampled frame.</returns>
    public VideoPreprocessingResult Preprocess(IReadOnlyList<VideoFrame> frames, Span<float> destination, RecognitionMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int required = RequireTensorLength(frames.Count, destination);

        int sampled = SampledFrameCount(frames.Count);
        if (sampled == 0)
        {
            destination[..required].Clear();
            return new VideoPreprocessingResult(VideoStatus.NoFrames, mode == RecognitionMode.Robust ? 0 : _options.EmptyVideoFrameCount, []);
        }

        var analyses = new FrameAnalysis[sampled];
        for (int i = 0; i < sampled; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            analyses[i] = PreprocessFrame(SampledFrame(frames, i).Image, destination.Slice(i * FrameTensorLength, FrameTensorLength), SampledIndex(i), mode, cancellationToken);
        }

        return Result(analyses, destination, mode);
    }

    /// <summary>
    /// <see cref="Preprocess(IReadOnlyList{VideoFrame}, Span{float}, CancellationToken)"/> with the sampled frames spread
    /// over the thread pool: each frame's detection, probe and crop are independent and write their own slice of the
    /// tensor, so the result is the same as the sequential one. Needs the face detector to be thread-safe, as the
    /// recognizer already requires for concurrent calls.
    /// </summary>
    internal VideoPreprocessingResult PreprocessConcurrently(IReadOnlyList<VideoFrame> frames, Memory<float> destination, RecognitionMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int sampled = SampledFrameCount(frames.Count);
        if (sampled < 2)
        {
            return Preprocess(frames, destination.Span, mode, cancellationToken);
        }

        RequireTensorLength(frames.Count, destination.Span);

        // The list is read on this thread only: a caller's list may decode frames lazily and need not be thread-safe.
        var images = new Image<Rgb24>[sampled];
        for (int i = 0; i < sampled; i++)
        {
            images[i] = SampledFrame(frames, i).Image;
        }

        var analyses = new FrameAnalysis[sampled];
        try
        {
            Parallel.For(0, sampled, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                analyses[i] = PreprocessFrame(images[i], destination.Slice(i * FrameTensorLength, FrameTensorLength).Span, SampledIndex(i), mode, cancellationToken));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // Callers catch the typed exceptions (InvalidImageException, ArgumentException, ...), not the aggregate.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            throw;
        }

        return Result(analyses, destination.Span, mode);
    }

    /// <summary>The clip's result; in robust mode the usable frames are first moved together at the front of the tensor.</summary>
    private VideoPreprocessingResult Result(FrameAnalysis[] analyses, Span<float> destination, RecognitionMode mode)
    {
        if (mode != RecognitionMode.Robust)
        {
            return new VideoPreprocessingResult(Summarise(analyses), analyses.Length, analyses);
        }

        int written = 0;
        var croppedAroundFace = new bool[analyses.Length];
        for (int i = 0; i < analyses.Length; i++)
        {
            if (analyses[i].Status == VideoStatus.Available)
            {
                if (written != i)
                {
                    destination.Slice(i * FrameTensorLength, FrameTensorLength).CopyTo(destination.Slice(written * FrameTensorLength, FrameTensorLength));
                }

                croppedAroundFace[written++] = analyses[i].CroppedAroundFace;
            }
        }

        return new VideoPreprocessingResult(Summarise(analyses), written, analyses) { CroppedAroundFace = croppedAroundFace.AsMemory(0, written) };
    }

    private int RequireTensorLength(int frameCount, ReadOnlySpan<float> destination)
    {
        int required = TensorLength(frameCount);
        if (destination.Length < required)
        {
            throw new ArgumentException($"Video tensor: expected at least {required} floats for {frameCount} frames, found {destination.Length}.", nameof(destination));
        }

        return required;
    }

    private int SampledIndex(int sample) => ((sample + 1) * _options.FrameStride) - 1;

    private VideoFrame SampledFrame(IReadOnlyList<VideoFrame> frames, int sample)
    {
        int index = SampledIndex(sample);
        return frames[index] ?? throw new ArgumentException($"Frame {index}: expected a frame, found null.", nameof(frames));
    }

    /// <summary>Preprocesses one frame, whatever its position in a clip.</summary>
    /// <param name="image">The frame.</param>
    /// <param name="destination">Receives <c>[3, CropSize, CropSize]</c>; at least <see cref="FrameTensorLength"/> floats.</param>
    /// <param name="cancellationToken">Cancels the face search.</param>
    /// <returns>What was seen in the frame (with frame index 0).</returns>
    public FrameAnalysis PreprocessFrame(Image<Rgb24> image, Span<float> destination, CancellationToken cancellationToken = default) =>
        PreprocessFrame(image, destination, 0, RecognitionMode.Original, cancellationToken);

    /// <summary>Turns one normalised frame of the tensor back into an image (for inspection: what the encoder sees).</summary>
    /// <param name="frameTensor">One frame, <c>[3, CropSize, CropSize]</c>.</param>
    /// <returns>A new image the caller disposes.</returns>
    public Image<Rgb24> ToImage(ReadOnlySpan<float> frameTensor)
    {
        int size = _options.CropSize, plane = size * size;
        if (frameTensor.Length < 3 * plane)
        {
            throw new ArgumentException($"Frame tensor: expected {3 * plane} floats, found {frameTensor.Length}.", nameof(frameTensor));
        }

        var image = new Image<Rgb24>(size, size);
        Span<byte> bgr = stackalloc byte[3];
        for (int y = 0; y < size; y++)
        {
            Span<Rgb24> row = image.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < size; x++)
            {
                for (int p = 0; p < 3; p++)
                {
                    float v = (frameTensor[(p * plane) + (y * size) + x] - _offset[p]) / _scale[p];
                    bgr[_planeSource[p]] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
                }

                row[x] = new Rgb24(bgr[2], bgr[1], bgr[0]);
            }
        }

        return image;
    }

    /// <summary>One frame as a clip's preprocessing treats it at position <paramref name="frameIndex"/>: a stream
    /// preprocesses each frame once, on arrival, and gets what a clip holding it would.</summary>
    /// <returns>What was seen; in robust mode the crop is written only when the frame is available.</returns>
    internal FrameAnalysis PreprocessFrame(Image<Rgb24> image, Span<float> destination, int frameIndex, RecognitionMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length < FrameTensorLength)
        {
            throw new ArgumentException($"Frame tensor: expected at least {FrameTensorLength} floats, found {destination.Length}.", nameof(destination));
        }

        var whole = new FaceBox(0, 0, image.Width, image.Height);
        var (mean, stdDev) = LumaStatistics(image, whole);
        IReadOnlyList<FaceBox> faces = _detector.DetectFaces(image, cancellationToken);
        FaceBox? face = Largest(faces, image.Width, image.Height);
        VideoStatus status = face is not null ? VideoStatus.Available : Lighting(mean, stdDev, VideoStatus.NoFace);
        if (mode == RecognitionMode.Original)
        {
            WriteCrop(image, face ?? whole, destination[..FrameTensorLength]);
            return new FrameAnalysis(frameIndex, status, face, mean, stdDev);
        }

        // The original trusts any face the detector returns; a face in the dark or behind a hand is no evidence.
        if (face is { } found)
        {
            var (faceMean, faceStdDev) = LumaStatistics(image, found);
            status = Lighting(faceMean, faceStdDev, VideoStatus.Available);
            if (status == VideoStatus.Available)
            {
                var (region, wholeFrame) = FaceCrop(found, image.Width, image.Height);
                WriteCrop(image, region, destination[..FrameTensorLength]);
                return new FrameAnalysis(frameIndex, status, face, mean, stdDev) { CroppedAroundFace = !wholeFrame };
            }
        }

        return new FrameAnalysis(frameIndex, status, face, mean, stdDev);
    }

    private VideoStatus Lighting(float mean, float stdDev, VideoStatus otherwise) =>
        mean < _options.TooDarkMeanLuma ? VideoStatus.TooDark
        : stdDev < _options.CoveredLumaStdDev ? VideoStatus.Covered
        : otherwise;

    /// <summary>The region a robust crop takes around a face: scaled about its (shifted) centre and square if asked; a region
    /// that overhangs the frame slides back inside it rather than being cut, so the face keeps its proportions, and only a
    /// region larger than the frame is cut to it.</summary>
    /// <returns>The region, and whether it is a close-up's whole frame rather than a region around the face.</returns>
    private (FaceBox Region, bool WholeFrame) FaceCrop(FaceBox face, int width, int height)
    {
        float w = face.Width * _options.FaceCropScale, h = face.Height * _options.FaceCropScale;
        if (_options.SquareFaceCrop)
        {
            w = h = MathF.Max(w, h);
        }

        bool wholeFrame = _options.CloseUpWholeFrameFraction > 0 && IsSquare(width, height) && MathF.Max(w, h) >= _options.CloseUpWholeFrameFraction * Math.Min(width, height);
        if (wholeFrame)
        {
            // The face fills a square frame (a face crop): the frame already is the face crop, and a box-relative crop would
            // only add the detector's jitter. A camera frame (4:3, 16:9) with a large face is not a face crop: there the whole
            // frame height would be up to 1.7 times the crop the classifiers learned from.
            w = h = Math.Min(width, height);
        }

        float cx = face.X + (face.Width / 2f), cy = face.Y + (face.Height / 2f) + (_options.FaceCropShiftY * face.Height);
        var (x0, x1) = Fit(cx, w, width);
        var (y0, y1) = Fit(cy, h, height);
        return (face with { X = x0, Y = y0, Width = x1 - x0, Height = y1 - y0 }, wholeFrame);

        static bool IsSquare(int width, int height) => Math.Max(width, height) <= 1.1f * Math.Min(width, height);

        static (int Start, int End) Fit(float centre, float length, int limit)
        {
            int size = Math.Clamp((int)MathF.Round(length), 1, limit);
            int start = Math.Clamp((int)MathF.Round(centre - (size / 2f)), 0, limit - size);
            return (start, start + size);
        }
    }

    private void WriteCrop(Image<Rgb24> image, FaceBox region, Span<float> destination)
    {
        int size = _options.CropSize, plane = size * size;
        int cropBytes = region.Width * region.Height * 3;
        byte[] crop = ArrayPool<byte>.Shared.Rent(cropBytes);
        byte[] resized = ArrayPool<byte>.Shared.Rent(plane * 3);
        try
        {
            for (int y = 0; y < region.Height; y++)
            {
                ReadOnlySpan<Rgb24> row = image.DangerousGetPixelRowMemory(region.Y + y).Span.Slice(region.X, region.Width);
                Span<byte> output = crop.AsSpan(y * region.Width * 3, region.Width * 3);
                for (int x = 0; x < row.Length; x++)
                {
                    output[3 * x] = row[x].B;
                    output[(3 * x) + 1] = row[x].G;
                    output[(3 * x) + 2] = row[x].R;
                }
            }

            BilinearResizer.Resize(crop, region.Width, region.Height, region.Width * 3, 3, resized, size, size);
            for (int p = 0; p < 3; p++)
            {
                Span<float> target = destination.Slice(p * plane, plane);
                int source = _planeSource[p];
                float scale = _scale[p], offset = _offset[p];
                for (int i = 0; i < plane; i++)
                {
                    target[i] = (resized[(3 * i) + source] * scale) + offset;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(crop);
            ArrayPool<byte>.Shared.Return(resized);
        }
    }

    private static FaceBox? Largest(IReadOnlyList<FaceBox> faces, int width, int height)
    {
        FaceBox? best = null;
        long bestArea = -1;
        foreach (FaceBox f in faces)
        {
            // Clip to the frame, as NumPy slicing does in the original; a detector may return boxes that overhang.
            // The choice is by the detector's own w*h, as the original's.
            int x0 = Math.Clamp(f.X, 0, width), y0 = Math.Clamp(f.Y, 0, height);
            int x1 = Math.Clamp(f.X + f.Width, 0, width), y1 = Math.Clamp(f.Y + f.Height, 0, height);
            if (x1 > x0 && y1 > y0 && f.Area > bestArea)
            {
                best = f with { X = x0, Y = y0, Width = x1 - x0, Height = y1 - y0 };
                bestArea = f.Area;
            }
        }

        return best;
    }

    private static (float Mean, float StdDev) LumaStatistics(Image<Rgb24> image, FaceBox region)
    {
        long sum = 0, squares = 0;
        for (int y = region.Y; y < region.Y + region.Height; y++)
        {
            GrayscaleConverter.AddLumaSums(MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(y).Span.Slice(region.X, region.Width)), ref sum, ref squares);
        }

        double n = (double)region.Width * region.Height;
        double mean = sum / n;
        return ((float)mean, (float)Math.Sqrt(Math.Max(0, (squares / n) - (mean * mean))));
    }

    /// <summary>The status of a clip whose sampled frames were these (at least one).</summary>
    internal static VideoStatus Summarise(IReadOnlyList<FrameAnalysis> frames)
    {
        if (frames.Any(f => f.Status == VideoStatus.Available))
        {
            return VideoStatus.Available;
        }

        // The most frequent reason; ties go to the more specific one (covered, then too dark, then no face).
        return new[] { VideoStatus.Covered, VideoStatus.TooDark, VideoStatus.NoFace }
            .OrderByDescending(s => frames.Count(f => f.Status == s))
            .First();
    }
}
