using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>
/// Finds faces with MediaPipe's BlazeFace network (ONNX), decoded as the <c>@vladmandic/human</c> library does: the frame
/// is centred on a black square (human's <c>square</c> option; stretching it instead widens every box), resized to the
/// network's input with TensorFlow's bilinear resize and scaled to [-1, 1]; each of the 896
/// anchors (strides S/16 and S/8 with 2 and 6 anchors per cell) gives a score logit and a box offset; boxes whose sigmoid
/// score exceeds <see cref="BlazeFaceDetectorOptions.MinConfidence"/> go through plain greedy non-max suppression.
/// Faster than <see cref="HaarFaceDetector"/> (one small network run instead of a cascade over a pyramid) and robust to
/// tilt, lighting and expression.
/// </summary>
/// <remarks>Thread-safe: each call works in pooled buffers; the session is shared. Owns the session; dispose it when done.
/// The model's outputs are found by shape (<c>[1, 512, 1]</c>, <c>[1, 384, 1]</c> scores, <c>[1, 512, 16]</c>,
/// <c>[1, 384, 16]</c> offsets), so any export with that interface works.</remarks>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private const int Regressors = 16;

    // The refining square's side in face sizes: the face then spans a quarter of the input (64 of 256 pixels). On the
    // development set's faces of 70 to 120 px zoom 4 scored 0.543, zoom 3 0.531 and zoom 5 0.536.
    private const int RefineZoom = 4;

    private readonly OnnxModel _model;
    private readonly BlazeFaceDetectorOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames; // scores then offsets, the stride-S/16 head first
    private readonly int[] _headRows;
    private readonly float[] _anchors; // x, y per anchor, in input pixels
    private readonly long[] _inputShape;

    /// <summary>Opens a BlazeFace model and checks its interface.</summary>
    /// <param name="modelPath">The ONNX file (<c>blazeface.onnx</c> of the lite model set).</param>
    /// <param name="options">Settings, copied; the human library's when <see langword="null"/>.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The file is missing, not loadable, or not BlazeFace's interface.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public BlazeFaceDetector(string modelPath, BlazeFaceDetectorOptions? options = null, OnnxRuntimeOptions? onnxOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        _options = options?.Clone() ?? new BlazeFaceDetectorOptions();
        _options.Validate();
        if (!File.Exists(modelPath))
        {
            throw new ModelMismatchException($"Face detector model '{modelPath}': expected an ONNX file, found nothing.");
        }

        _model = new OnnxModel(modelPath, [], [], OnnxRuntimeOptions.ValidatedCopy(onnxOptions));
        try
        {
            (_inputNames, InputSize) = FindInput(_model);
            _anchors = Anchors(InputSize);
            (_outputNames, _headRows) = FindOutputs(_model, InputSize);
            _inputShape = [1, InputSize, InputSize, 3];
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>Gets the side of the network's square input, in pixels (256 for the lite set's model).</summary>
    public int InputSize { get; }

    /// <summary>Gets the execution provider the session uses.</summary>
    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int length = InputSize * InputSize * 3;
        float[] input = ArrayPool<float>.Shared.Rent(length);
        try
        {
            List<FaceBox> faces = Detect(image, input.AsMemory(0, length), Letterbox.For(image.Width, image.Height, margin: 0), cancellationToken);
            if (_options.CloseUpMargin > 0 && (faces.Count == 0 || faces.Exists(f => IsLarger(f, _options.CloseUpFaceFraction, image.Width, image.Height))))
            {
                // A face that fills the frame (a close-up, a face crop) is larger than the faces the network was trained on:
                // it misses it, or boxes only its middle. On a wider canvas the face is at a size it knows. Only faces of at least
                // CloseUpMinFaceFraction count from that search: on the shrunken frame, small patterns can pass for distant faces.
                List<FaceBox> closeUp = Detect(image, input.AsMemory(0, length), Letterbox.For(image.Width, image.Height, _options.CloseUpMargin), cancellationToken);
                closeUp.RemoveAll(f => !IsLarger(f, _options.CloseUpMinFaceFraction, image.Width, image.Height));
                if (closeUp.Count > 0)
                {
                    faces = closeUp;
                }
            }

            if (faces.Count == 0 && _options.TileZoom > 0)
            {
                faces = DetectInTiles(image, input.AsMemory(0, length), cancellationToken);
            }

            if (_options.RefineFaceFraction > 0)
            {
                Refine(image, faces, input.AsMemory(0, length), cancellationToken);
            }

            return faces;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();

    private bool IsLarger(FaceBox face, float fraction, int width, int height) =>
        Math.Max(face.Width, face.Height) / _options.BoxScale > fraction * Math.Min(width, height);

    /// <summary>Searches overlapping tiles at both ends of each side longer than the tile, so every point of the frame is in
    /// one; a face found in two tiles is reported once, the better box kept.</summary>
    private List<FaceBox> DetectInTiles(Image<Rgb24> image, Memory<float> input, CancellationToken cancellationToken)
    {
        int width = image.Width, height = image.Height;
        int side = (int)MathF.Round(Math.Max(width, height) / _options.TileZoom);
        var found = new List<FaceBox>();
        foreach (int y in Starts(height, side))
        {
            foreach (int x in Starts(width, side))
            {
                found.AddRange(Detect(image, input, Letterbox.ForTile(width, height, x, y, side), cancellationToken));
            }
        }

        found.Sort((a, b) => b.Score.CompareTo(a.Score));
        var faces = new List<FaceBox>();
        foreach (FaceBox face in found)
        {
            if (faces.Count < _options.MaxFaces && faces.TrueForAll(f => f.IntersectionOverUnion(face) <= _options.IouThreshold))
            {
                faces.Add(face);
            }
        }

        return faces;

        static int[] Starts(int length, int tile) => length > tile ? [0, length - tile] : [0];
    }

    /// <summary>Replaces the box of each small face by the best overlapping box of a search in a square
    /// <see cref="RefineZoom"/> times the face's size, centred on it.</summary>
    private void Refine(Image<Rgb24> image, List<FaceBox> faces, Memory<float> input, CancellationToken cancellationToken)
    {
        float limit = _options.RefineFaceFraction * Math.Max(image.Width, image.Height);
        for (int i = 0; i < faces.Count; i++)
        {
            FaceBox face = faces[i];
            int longer = Math.Max(face.Width, face.Height);
            if (longer >= limit)
            {
                continue;
            }

            int side = RefineZoom * longer;
            var square = new Letterbox(side, (side / 2) - face.X - (face.Width / 2), (side / 2) - face.Y - (face.Height / 2));
            FaceBox? best = null;
            foreach (FaceBox again in Detect(image, input, square, cancellationToken))
            {
                if (again.IntersectionOverUnion(face) > 0.3f && (best is null || again.Score > best.Value.Score))
                {
                    best = again;
                }
            }

            faces[i] = best ?? face;
        }
    }

    private List<FaceBox> Detect(Image<Rgb24> image, Memory<float> input, Letterbox box, CancellationToken cancellationToken)
    {
        BlazeFaceInput.Write(image, box.Side, box.Left, box.Top, InputSize, input.Span);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, _inputShape);
        using var outputs = _model.Run(_inputNames, [value], _outputNames, cancellationToken);
        return Suppress(Decode(outputs), box);
    }

    private List<Candidate> Decode(IReadOnlyList<OrtValue> outputs)
    {
        var candidates = new List<Candidate>();
        float minLogit = MathF.Log(_options.MinConfidence / (1f - _options.MinConfidence)); // sigmoid(x) > c  <=>  x > logit(c)
        int anchor = 0;
        for (int head = 0; head < 2; head++)
        {
            ReadOnlySpan<float> scores = outputs[head].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> offsets = outputs[head + 2].GetTensorDataAsSpan<float>();
            for (int i = 0; i < _headRows[head]; i++, anchor++)
            {
                if (!(scores[i] > minLogit))
                {
                    continue;
                }

                ReadOnlySpan<float> o = offsets.Slice(i * Regressors, 4);
                float cx = o[0] + _anchors[2 * anchor], cy = o[1] + _anchors[(2 * anchor) + 1];
                candidates.Add(new Candidate(1f / (1f + MathF.Exp(-scores[i])), cx - (o[2] / 2), cy - (o[3] / 2), cx + (o[2] / 2), cy + (o[3] / 2)));
            }
        }

        return candidates;
    }

    /// <summary>Greedy non-max suppression, best score first (TensorFlow's <c>nonMaxSuppression</c>), then boxes in frame pixels.</summary>
    private List<FaceBox> Suppress(List<Candidate> candidates, Letterbox box)
    {
        // A stable sort keeps anchor order among equal scores, as TensorFlow's does.
        Candidate[] sorted = [.. candidates.OrderByDescending(c => c.Score)];
        var kept = new List<Candidate>();
        foreach (Candidate c in sorted)
        {
            if (kept.Count == _options.MaxFaces)
            {
                break;
            }

            if (kept.TrueForAll(k => Iou(k, c) <= _options.IouThreshold))
            {
                kept.Add(c);
            }
        }

        float scale = (float)box.Side / InputSize, half = _options.BoxScale / 2;
        var faces = new List<FaceBox>(kept.Count);
        foreach (Candidate k in kept)
        {
            float cx = ((k.X0 + k.X1) / 2 * scale) - box.Left, cy = ((k.Y0 + k.Y1) / 2 * scale) - box.Top;
            float w = (k.X1 - k.X0) * scale, h = (k.Y1 - k.Y0) * scale;
            int x0 = (int)MathF.Round(cx - (w * half)), y0 = (int)MathF.Round(cy - (h * half));
            int x1 = (int)MathF.Round(cx + (w * half)), y1 = (int)MathF.Round(cy + (h * half));
            if (x1 > x0 && y1 > y0)
            {
                faces.Add(new FaceBox(x0, y0, x1 - x0, y1 - y0, k.Score));
            }
        }

        return faces;
    }

    private static float Iou(Candidate a, Candidate b)
    {
        float areaA = (a.X1 - a.X0) * (a.Y1 - a.Y0), areaB = (b.X1 - b.X0) * (b.Y1 - b.Y0);
        if (areaA <= 0 || areaB <= 0)
        {
            return 0;
        }

        float iw = MathF.Max(0, MathF.Min(a.X1, b.X1) - MathF.Max(a.X0, b.X0));
        float ih = MathF.Max(0, MathF.Min(a.Y1, b.Y1) - MathF.Max(a.Y0, b.Y0));
        float intersection = iw * ih;
        return intersection / (areaA + areaB - intersection);
    }

    /// <summary>The human library's <c>generateAnchors</c>: cell centres of strides S/16 (2 per cell) and S/8 (6 per cell), row by row.</summary>
    private static float[] Anchors(int inputSize)
    {
        var anchors = new List<float>();
        foreach (var (stride, perCell) in new[] { (inputSize / 16, 2), (inputSize / 8, 6) })
        {
            int cells = (inputSize + stride - 1) / stride;
            for (int gy = 0; gy < cells; gy++)
            {
                for (int gx = 0; gx < cells; gx++)
                {
                    for (int n = 0; n < perCell; n++)
                    {
                        anchors.Add(stride * (gx + 0.5f));
                        anchors.Add(stride * (gy + 0.5f));
                    }
                }
            }
        }

        return [.. anchors];
    }

    private static (string[] Names, int Size) FindInput(OnnxModel model)
    {
        string file = Path.GetFileName(model.Path);
        if (model.InputMetadata.Count == 1)
        {
            var (name, node) = model.InputMetadata.Single();
            int[] d = node.Dimensions;
            if (node.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float && d is [1 or -1, > 0, > 0, 3] && d[1] == d[2] && d[1] % 16 == 0)
            {
                return ([name], d[1]);
            }

            throw new ModelMismatchException($"Model '{file}' input '{name}': expected float32 [1, S, S, 3] with S a multiple of 16, found {node.ElementDataType} {TensorShape.Format(d.Select(x => (long)x))}.");
        }

        throw new ModelMismatchException($"Model '{file}': expected one input, found [{string.Join(", ", model.InputMetadata.Keys)}].");
    }

    private static (string[] Names, int[] Rows) FindOutputs(OnnxModel model, int inputSize)
    {
        // Strides S/16 and S/8 make 16x16 and 8x8 grids whatever S is.
        const int fine = 16 * 16 * 2, coarse = 8 * 8 * 6;
        string Find(int rows, int columns) =>
            model.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions is [1 or -1, var r, var c] && r == rows && c == columns).Key
            ?? throw new ModelMismatchException(
                $"Model '{Path.GetFileName(model.Path)}': expected an output of shape [1, {rows}, {columns}] (BlazeFace at {inputSize} px), found "
                + string.Join(", ", model.OutputMetadata.Select(o => $"{o.Key} {TensorShape.Format(o.Value.Dimensions.Select(x => (long)x))}")) + ".");
        return ([Find(fine, 1), Find(coarse, 1), Find(fine, Regressors), Find(coarse, Regressors)], [fine, coarse]);
    }

    /// <summary>Where the frame sits on the square the network sees: side max(width, height), widened by a black margin of
    /// <c>margin</c> times that on every side, the frame centred.</summary>
    private readonly record struct Letterbox(int Side, int Left, int Top)
    {
        public static Letterbox For(int width, int height, float margin)
        {
            int longer = Math.Max(width, height);
            int side = longer + (2 * (int)MathF.Round(margin * longer));
            return new Letterbox(side, (side - width) / 2, (side - height) / 2);
        }

        /// <summary>A square of the given side whose top-left corner is at (x, y) of the frame, or centred on the frame along a
        /// side shorter than the square. Frame pixels outside the tile but inside the square are kept; the rest is black.</summary>
        public static Letterbox ForTile(int width, int height, int x, int y, int side) =>
            new(side, width > side ? -x : (side - width) / 2, height > side ? -y : (side - height) / 2);
    }

    private readonly record struct Candidate(float Score, float X0, float Y0, float X1, float Y1);
}
