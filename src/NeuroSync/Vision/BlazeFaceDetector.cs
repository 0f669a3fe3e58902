using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Vision;

/// <summary>
/// Finds faces with MediaPipe's BlazeFace network (ONNX), decoded as the <c>@vladmandic/human</c> library does: the frame
/// is centred on a black square (human's <c>square</c> option; stretching it instead widens every box), resized to the
/// network's input with TensorFlow's bilinear resize and scaled to [-1, 1]; each anchor (strides 16 and 32 input pixels
/// with 2 and 6 anchors per cell, 896 at 256 pixels) gives a score logit and a box offset; boxes whose sigmoid score
/// exceeds <see cref="BlazeFaceDetectorOptions.MinConfidence"/> go through plain greedy non-max suppression. With
/// <see cref="BlazeFaceDetectorOptions.QuickSearchSize"/> and a model whose input size is free, a cheaper search at that
/// size comes first (see there).
/// Faster than <see cref="HaarFaceDetector"/> (one small network run instead of a cascade over a pyramid) and robust to
/// tilt, lighting and expression.
/// </summary>
/// <remarks>Thread-safe: each call works in pooled buffers; the session is shared. Owns the session; dispose it when done.
/// The model's outputs are found by the shapes of one run at load (at 256 pixels: <c>[1, 512, 1]</c>, <c>[1, 384, 1]</c>
/// scores, <c>[1, 512, 16]</c>, <c>[1, 384, 16]</c> offsets), so any export with that interface works, its input size fixed
/// (<c>[1, S, S, 3]</c>) or free (<c>[1, size, size, 3]</c>, run at 256).</remarks>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private const int Regressors = 16;

    // The refining square's side in face sizes: the face then spans a quarter of the input (64 of 256 pixels). On the
    // development set's faces of 70 to 120 px zoom 4 scored 0.543, zoom 3 0.531 and zoom 5 0.536.
    private const int RefineZoom = 4;

    // The quick search's refining square, in face sizes: the face is a third of the 128-pixel input. On the development set
    // zoom 3 and zoom 2 scored alike (0.574 and 0.573 on faces of 120 to 220 px in frames); without refining, 0.565.
    private const int QuickRefineZoom = 3;

    // The largest face, as a fraction of the tile's side, that a seam tile reports. The seam tiles look at the middle of the
    // frame at the tiles' zoom, for faces that a seam between the corner tiles cuts; a face of more than this is one the
    // whole-frame search sees at 58 pixels or more (tile zoom 2), and there the seam tiles found the committed cat photo's
    // face (boxes of 155 px in 320-px tiles, 0.48). On the development set's framed faces, with the cap against without
    // the seam tiles: 70-120 px 0.562 against 0.551, 120-220 px 0.575 against 0.574, 220-420 px 0.572 against 0.571.
    private const float SeamTileMaxFaceFraction = 0.45f;

    // The largest face, as a fraction of the frame's longer side, that the full search reports as found when the quick
    // search found nothing. A face larger than this is 58 pixels or more on a 128-pixel quick search (the lite set's),
    // a size at which the quick search finds real faces; one it missed and the full search reports is mostly a pattern of the
    // background: on the development set's faces of 70 to 120 px in frames, 45 of the 136 misplaced boxes were such boxes
    // of 250 to 440 px on smooth backgrounds (0.13 accurate). Such a face is kept only when the close-up canvas finds none,
    // the search no smaller one and a search around it finds it again (SuspectConfirmZoom), ahead of the tiles (after
    // them, tiles on a 48-px face crop replaced it by a part of it: crops 0.603 against 0.604). With 0.45 against without: 70-120 px 0.565 against 0.562, 120-220 px 0.577 against
    // 0.575, 220-420 px and crops unchanged (0.572, 0.604); 0.35 lost on 220-420 px (0.570), 0.55 gained less (0.563).
    private const float QuickMissMaxFaceFraction = 0.45f;

    // The square, in face sizes, in which such a held-back face must be found again to be reported: there it is a third of
    // the input, a size real faces are found at, while the patterns of a smooth background mostly lose their score. On
    // 1,000 seeded bare backgrounds (no face) the frames with a "face" fell from 57 to 17; faces of 70 to 120 px in
    // frames 0.571 -> 0.573, 120 to 220 px 0.579 -> 0.580, 220 to 420 px 0.5729 -> 0.5726, crops unchanged (0.604).
    // Zoom 2 left 29 false faces, zoom 4 14 but lost 220 to 420 px faces (0.5723).
    private const int SuspectConfirmZoom = 3;

    // How many of the tiles' candidates (BlazeFaceDetectorOptions.TileCandidateConfidence) are searched again: each costs a
    // run, and a frame without a face has them.
    private const int TileCandidates = 2;

    // The side a free-size model runs at: the one BlazeFace's 'back' model was trained for.
    private const int FreeModelInputSize = 256;

    private readonly OnnxModel _model;
    private readonly BlazeFaceDetectorOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames; // scores then offsets, the stride-16 head first
    private readonly Scale _full;
    private readonly Scale? _quick;

    /// <summary>Opens a BlazeFace model and checks its interface.</summary>
    /// <param name="modelPath">The ONNX file (<c>blazeface.onnx</c> of the lite model set).</param>
    /// <param name="options">Settings, copied; the human library's when <see langword="null"/>.</param>
    /// <param name="onnxOptions">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The file is missing, not loadable, or not BlazeFace's interface; or
    /// <see cref="BlazeFaceDetectorOptions.QuickSearchSize"/> is set for a model whose input size is fixed.</exception>
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
            (_inputNames, int fixedSize) = FindInput(_model);
            InputSize = fixedSize > 0 ? fixedSize : FreeModelInputSize;
            if (_options.QuickSearchSize > 0 && fixedSize > 0)
            {
                throw new ModelMismatchException(
                    $"Model '{Path.GetFileName(modelPath)}': BlazeFaceDetectorOptions.QuickSearchSize {_options.QuickSearchSize} needs a model whose input size is free "
                    + $"([1, size, size, 3]), found a fixed {fixedSize}; free it with tools/lite/free_input_size.py, or set QuickSearchSize to 0.");
            }

            if (_options.QuickSearchSize >= InputSize)
            {
                throw new ArgumentOutOfRangeException(nameof(options), _options.QuickSearchSize, $"BlazeFaceDetectorOptions.QuickSearchSize: expected less than the model's {InputSize} pixels, found {_options.QuickSearchSize}.");
            }

            (_outputNames, int stride) = FindOutputs(_model, _inputNames[0], InputSize);
            _full = new Scale(InputSize, stride);
            _quick = _options.QuickSearchSize > 0 ? new Scale(_options.QuickSearchSize, stride) : null;
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>Gets the side of the network's square input for a full search, in pixels (256 for the lite set's model).</summary>
    public int InputSize { get; }

    /// <summary>Gets the execution provider the session uses.</summary>
    public OnnxExecutionProvider ExecutionProvider => _model.ExecutionProvider;

    /// <inheritdoc/>
    public IReadOnlyList<FaceBox> DetectFaces(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int length = InputSize * InputSize * 3;
        float[] buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            Memory<float> input = buffer.AsMemory(0, length);
            if (_quick is { } quick)
            {
                List<FaceBox> found = WholeFrame(image, quick, input, cancellationToken);
                if (found.Count > 0)
                {
                    RefineAll(image, found, quick, input, cancellationToken);
                    return found;
                }
            }

            List<FaceBox>? suspects = _quick is null ? null : [];
            List<FaceBox> faces = WholeFrame(image, _full, input, cancellationToken, suspects);
            if (faces.Count == 0 && suspects is { Count: > 0 })
            {
                faces = Confirm(image, suspects, input, cancellationToken);
            }

            if (faces.Count == 0 && _options.TileZoom > 0)
            {
                faces = DetectInTiles(image, input, cancellationToken);
            }

            if (_options.RefineFaceFraction > 0)
            {
                Refine(image, faces, input, cancellationToken);
            }

            return faces;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();

    /// <summary>The search of the whole frame, and of the close-up canvas where it finds no face or a close-up. With
    /// <paramref name="suspects"/> (after a quick search that found nothing), the faces of more than
    /// <see cref="QuickMissMaxFaceFraction"/> of the frame are moved there: the close-up canvas and any smaller face found
    /// are preferred to them.</summary>
    private List<FaceBox> WholeFrame(Image<Rgb24> image, Scale scale, Memory<float> input, CancellationToken cancellationToken, List<FaceBox>? suspects = null)
    {
        List<FaceBox> faces = Detect(image, scale, input, Letterbox.For(image.Width, image.Height, margin: 0), cancellationToken);
        if (suspects is not null)
        {
            float limit = QuickMissMaxFaceFraction * Math.Max(image.Width, image.Height);
            Predicate<FaceBox> tooLarge = f => Math.Max(f.Width, f.Height) / _options.BoxScale > limit;
            suspects.AddRange(faces.FindAll(tooLarge));
            faces.RemoveAll(tooLarge);
        }

        if (_options.CloseUpMargin > 0 && (faces.Count == 0 || faces.Exists(f => IsLarger(f, _options.CloseUpFaceFraction, image.Width, image.Height))))
        {
            // A face that fills the frame (a close-up, a face crop) is larger than the faces the network was trained on:
            // it misses it, or boxes only its middle. On a wider canvas the face is at a size it knows. Only faces of at least
            // CloseUpMinFaceFraction count from that search: on the shrunken frame, small patterns can pass for distant faces.
            List<FaceBox> closeUp = Detect(image, scale, input, Letterbox.For(image.Width, image.Height, _options.CloseUpMargin), cancellationToken);
            closeUp.RemoveAll(f => !IsLarger(f, _options.CloseUpMinFaceFraction, image.Width, image.Height));
            if (closeUp.Count > 0)
            {
                faces = closeUp;
            }
        }

        return faces;
    }

    /// <summary>The large faces held back after a missed quick search that a search in a square
    /// <see cref="SuspectConfirmZoom"/> times their size, where each is a third of the input, finds again (the best
    /// overlapping box there replaces it).</summary>
    private List<FaceBox> Confirm(Image<Rgb24> image, List<FaceBox> suspects, Memory<float> input, CancellationToken cancellationToken)
    {
        List<FaceBox> confirmed = FoundAgain(image, suspects, SuspectConfirmZoom, input, cancellationToken);
        confirmed.Sort((a, b) => b.Score.CompareTo(a.Score));
        return Distinct(confirmed, _options.MaxFaces);
    }

    /// <summary>For each face, in order, the best box of a search in a square <paramref name="zoom"/> times its size around
    /// it that overlaps it; a face that search does not find again is left out.</summary>
    private List<FaceBox> FoundAgain(Image<Rgb24> image, List<FaceBox> faces, int zoom, Memory<float> input, CancellationToken cancellationToken)
    {
        var found = new List<FaceBox>();
        foreach (FaceBox face in faces)
        {
            if (BestAround(image, face, zoom * Math.Max(face.Width, face.Height), _full, input, cancellationToken) is { } again)
            {
                found.Add(again);
            }
        }

        return found;
    }

    /// <summary>Boxes each face of the quick search again in a square <see cref="QuickRefineZoom"/> times its size: found on
    /// the 128-pixel input, a face of a fifth of the frame is 26 pixels there, too few for a box the crop can trust. A face
    /// whose square would hold the whole frame keeps its box: the square would show it no larger.</summary>
    private void RefineAll(Image<Rgb24> image, List<FaceBox> faces, Scale scale, Memory<float> input, CancellationToken cancellationToken)
    {
        int frame = Math.Max(image.Width, image.Height);
        for (int i = 0; i < faces.Count; i++)
        {
            int side = QuickRefineZoom * Math.Max(faces[i].Width, faces[i].Height);
            if (side < frame)
            {
                faces[i] = BestAround(image, faces[i], side, scale, input, cancellationToken) ?? faces[i];
            }
        }
    }

    private bool IsLarger(FaceBox face, float fraction, int width, int height) =>
        Math.Max(face.Width, face.Height) / _options.BoxScale > fraction * Math.Min(width, height);

    /// <summary>Searches square tiles: one at each end of each side longer than the tile (the corner tiles) and, between
    /// them, seam tiles, so that tiles start at most half a tile apart and any face up to half a tile wide lies wholly in
    /// one (with zoom 2 on a 640x480 frame, the corner tiles meet at x = 320 and cut the faces there). A seam tile reports
    /// only faces under <see cref="SeamTileMaxFaceFraction"/> of its side (before <see cref="BlazeFaceDetectorOptions.BoxScale"/>),
    /// so the faces a seam cuts are found whole up to that size. A face found in two tiles is reported once, the
    /// better box kept. With <see cref="BlazeFaceDetectorOptions.TileCandidateConfidence"/>, when no tile face passes the
    /// score, the best two over that lower score are searched again around them, and count only if confirmed there.</summary>
    private List<FaceBox> DetectInTiles(Image<Rgb24> image, Memory<float> input, CancellationToken cancellationToken)
    {
        int width = image.Width, height = image.Height;
        int side = (int)MathF.Round(Math.Max(width, height) / _options.TileZoom);
        if (_options.TileMaxSide > 0)
        {
            side = Math.Min(side, _options.TileMaxSide);
        }

        int[] columns = TileStarts(width, side), rows = TileStarts(height, side);
        var found = new List<FaceBox>();
        float minConfidence = _options.TileCandidateConfidence > 0 ? _options.TileCandidateConfidence : _options.MinConfidence;
        foreach (int y in rows)
        {
            foreach (int x in columns)
            {
                List<FaceBox> inTile = Detect(image, _full, input, Letterbox.ForTile(width, height, x, y, side), cancellationToken, minConfidence);
                if (IsSeam(x, columns) || IsSeam(y, rows))
                {
                    inTile.RemoveAll(f => Math.Max(f.Width, f.Height) / _options.BoxScale > SeamTileMaxFaceFraction * side);
                }

                found.AddRange(inTile);
            }
        }

        found.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (found.Count > 0 && found[0].Score > _options.MinConfidence)
        {
            found.RemoveAll(f => f.Score <= _options.MinConfidence);
            return Distinct(found, _options.MaxFaces);
        }

        // A small face the tiles see under the score scores higher on the square four times its size, where it is a quarter
        // of the input; a pattern of the background mostly does not. On the development set's faces of 70 to 120 px in
        // frames, 51 of the 118 that no search found were found so (8 misplaced); 1,000 seeded bare backgrounds had no more
        // false faces than without (57), while a plain tile score of 0.5 had 133.
        return Distinct(FoundAgain(image, Distinct(found, TileCandidates), RefineZoom, input, cancellationToken), _options.MaxFaces);

        static bool IsSeam(int start, int[] starts) => start != starts[0] && start != starts[^1];
    }

    /// <summary>The faces, best first, that overlap no better one by more than <see cref="BlazeFaceDetectorOptions.IouThreshold"/>.</summary>
    private List<FaceBox> Distinct(List<FaceBox> sorted, int count)
    {
        var faces = new List<FaceBox>();
        foreach (FaceBox face in sorted)
        {
            if (faces.Count < count && faces.TrueForAll(f => f.IntersectionOverUnion(face) <= _options.IouThreshold))
            {
                faces.Add(face);
            }
        }

        return faces;
    }

    /// <summary>Where the tiles along one side start: at both ends, and evenly between them at most half a tile (rounded up)
    /// apart. The half is rounded up so that a side one pixel longer than two tiles does not take a fourth.</summary>
    internal static int[] TileStarts(int length, int tile)
    {
        if (length <= tile || tile < 2)
        {
            return [0];
        }

        var starts = new int[(int)Math.Ceiling((length - tile) / ((tile + 1) / 2.0)) + 1];
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = (int)Math.Round((double)i * (length - tile) / (starts.Length - 1));
        }

        return starts;
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

            faces[i] = BestAround(image, face, RefineZoom * longer, _full, input, cancellationToken) ?? face;
        }
    }

    /// <summary>The best box of a search in a square of the given side centred on the face that overlaps it (IoU above 0.3),
    /// or <see langword="null"/> when none does.</summary>
    private FaceBox? BestAround(Image<Rgb24> image, FaceBox face, int side, Scale scale, Memory<float> input, CancellationToken cancellationToken)
    {
        var square = new Letterbox(side, (side / 2) - face.X - (face.Width / 2), (side / 2) - face.Y - (face.Height / 2));
        FaceBox? best = null;
        foreach (FaceBox again in Detect(image, scale, input, square, cancellationToken))
        {
            if (again.IntersectionOverUnion(face) > 0.3f && (best is null || again.Score > best.Value.Score))
            {
                best = again;
            }
        }

        return best;
    }

    private List<FaceBox> Detect(Image<Rgb24> image, Scale scale, Memory<float> input, Letterbox box, CancellationToken cancellationToken, float? minConfidence = null)
    {
        Memory<float> slice = input[..(scale.Size * scale.Size * 3)];
        BlazeFaceInput.Write(image, box.Side, box.Left, box.Top, scale.Size, slice.Span);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, slice, scale.Shape);
        using var outputs = _model.Run(_inputNames, [value], _outputNames, cancellationToken);
        return Suppress(Decode(outputs, scale, minConfidence ?? _options.MinConfidence), box, scale.Size);
    }

    private List<Candidate> Decode(IReadOnlyList<OrtValue> outputs, Scale scale, float minConfidence)
    {
        var candidates = new List<Candidate>();
        float minLogit = MathF.Log(minConfidence / (1f - minConfidence)); // sigmoid(x) > c  <=>  x > logit(c)
        int anchor = 0;
        for (int head = 0; head < 2; head++)
        {
            ReadOnlySpan<float> scores = outputs[head].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> offsets = outputs[head + 2].GetTensorDataAsSpan<float>();
            int rows = scale.HeadRows[head];
            if (scores.Length != rows || offsets.Length != rows * Regressors)
            {
                throw new ModelMismatchException($"Model '{Path.GetFileName(_model.Path)}' at {scale.Size} px: expected {rows} anchors in head {head}, found {scores.Length} scores and {offsets.Length} offsets.");
            }

            for (int i = 0; i < rows; i++, anchor++)
            {
                if (!(scores[i] > minLogit))
                {
                    continue;
                }

                ReadOnlySpan<float> o = offsets.Slice(i * Regressors, 4);
                float cx = o[0] + scale.Anchors[2 * anchor], cy = o[1] + scale.Anchors[(2 * anchor) + 1];
                candidates.Add(new Candidate(1f / (1f + MathF.Exp(-scores[i])), cx - (o[2] / 2), cy - (o[3] / 2), cx + (o[2] / 2), cy + (o[3] / 2)));
            }
        }

        return candidates;
    }

    /// <summary>Greedy non-max suppression, best score first (TensorFlow's <c>nonMaxSuppression</c>), then boxes in frame pixels.</summary>
    private List<FaceBox> Suppress(List<Candidate> candidates, Letterbox box, int inputSize)
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

        float scale = (float)box.Side / inputSize, half = _options.BoxScale / 2;
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

    private static (string[] Names, int FixedSize) FindInput(OnnxModel model)
    {
        string file = Path.GetFileName(model.Path);
        if (model.InputMetadata.Count == 1)
        {
            var (name, node) = model.InputMetadata.Single();
            int[] d = node.Dimensions;
            if (node.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float && d is [1 or -1, _, _, 3] && d[1] == d[2] && (d[1] == -1 || (d[1] > 0 && d[1] % 32 == 0)))
            {
                return ([name], d[1]);
            }

            throw new ModelMismatchException($"Model '{file}' input '{name}': expected float32 [1, S, S, 3] with S a multiple of 32 or free, found {node.ElementDataType} {TensorShape.Format(d.Select(x => (long)x))}.");
        }

        throw new ModelMismatchException($"Model '{file}': expected one input, found [{string.Join(", ", model.InputMetadata.Keys)}].");
    }

    /// <summary>Runs the model once on a black input and finds its four outputs by their shapes: scores [1, A, 1] and offsets
    /// [1, A, 16] of a fine head (2 anchors per cell) and a coarse one (6 per cell, half the cells on a side).</summary>
    /// <returns>The outputs' names, the fine head's first, scores then offsets; and the fine head's stride in input pixels.</returns>
    private static (string[] Names, int Stride) FindOutputs(OnnxModel model, string inputName, int inputSize)
    {
        var outputNames = model.OutputMetadata.Keys.ToArray();
        var shapes = new Dictionary<string, long[]>();
        try
        {
            using var value = OrtValue.CreateTensorValueFromMemory(new float[inputSize * inputSize * 3], [1, inputSize, inputSize, 3]);
            using var outputs = model.Run([inputName], [value], outputNames, CancellationToken.None);
            for (int i = 0; i < outputNames.Length; i++)
            {
                shapes[outputNames[i]] = outputs[i].GetTensorTypeAndShape().Shape;
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelMismatchException($"Model '{Path.GetFileName(model.Path)}': expected it to run on a [1, {inputSize}, {inputSize}, 3] input, found an error: {e.Message}", e);
        }

        for (int cells = inputSize / 8; cells >= 2; cells /= 2)
        {
            int fine = cells * cells * 2, coarse = cells * cells / 4 * 6;
            string? Find(int rows, int columns) => shapes.FirstOrDefault(o => o.Value is [1, var r, var c] && r == rows && c == columns).Key;
            if (Find(fine, 1) is { } fineScores && Find(coarse, 1) is { } coarseScores && Find(fine, Regressors) is { } fineOffsets && Find(coarse, Regressors) is { } coarseOffsets)
            {
                return ([fineScores, coarseScores, fineOffsets, coarseOffsets], inputSize / cells);
            }
        }

        throw new ModelMismatchException(
            $"Model '{Path.GetFileName(model.Path)}': expected outputs of shapes [1, 2C², 1], [1, 1.5C², 1], [1, 2C², 16], [1, 1.5C², 16] (BlazeFace; C = 16 at {inputSize} px), found "
            + string.Join(", ", shapes.Select(o => $"{o.Key} {TensorShape.Format(o.Value)}")) + ".");
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

    /// <summary>One input size the network runs at: its anchors (the human library's <c>generateAnchors</c>: cell centres of
    /// the fine head, 2 per cell, then of the coarse head at twice the stride, 6 per cell, row by row; x, y in input pixels).</summary>
    private sealed class Scale
    {
        public Scale(int size, int stride)
        {
            Size = size;
            Shape = [1, size, size, 3];
            var anchors = new List<float>();
            var heads = new[] { (Step: stride, PerCell: 2), (Step: 2 * stride, PerCell: 6) };
            HeadRows = new int[heads.Length];
            for (int head = 0; head < heads.Length; head++)
            {
                var (step, perCell) = heads[head];
                int cells = size / step;
                HeadRows[head] = cells * cells * perCell;
                for (int gy = 0; gy < cells; gy++)
                {
                    for (int gx = 0; gx < cells; gx++)
                    {
                        for (int n = 0; n < perCell; n++)
                        {
                            anchors.Add(step * (gx + 0.5f));
                            anchors.Add(step * (gy + 0.5f));
                        }
                    }
                }
            }

            Anchors = [.. anchors];
        }

        public int Size { get; }

        public long[] Shape { get; }

        public float[] Anchors { get; }

        /// <summary>Gets the anchors of each head, the fine head's first.</summary>
        public int[] HeadRows { get; }
    }
}
