using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using NeuroSync.Models;
using NeuroSync.Onnx;

namespace NeuroSync.Vision;

/// <summary>
/// The per-frame expression classifiers of a late-fusion model set (the lite set's FER-2013 mini-Xception and face-api.js
/// FaceExpressionNet) run by ONNX Runtime as one <see cref="IVisualEncoder"/> whose "features" are class probabilities in the
/// set's label order (<see cref="Labels"/>). The input is RGB crops in [0, 1], <c>[F, 3, size, size]</c>; each classifier
/// takes its own centred region of a crop around a face (other crops, such as a close-up's whole frame, whole) at its own
/// input size, as grayscale (manifest weights, mean and std, <c>[F, s, s, 1]</c>) or as RGB in 0..255 (<c>[F, s, s, 3]</c>),
/// optionally averaged with the mirrored crop, and the classifiers' probabilities are averaged with their weights.
/// </summary>
/// <remarks>Thread-safe; owns its sessions and disposes them. Inputs live in pooled per-call buffers.</remarks>
internal sealed class OnnxVisualClassifier : IVisualEncoder, IOnnxBacked
{
    private readonly Member[] _members;

    /// <summary>Opens the visual classifiers of a late-fusion model set and checks each against the manifest.</summary>
    /// <param name="modelSet">The model set.</param>
    /// <param name="options">Session settings; defaults when <see langword="null"/>.</param>
    /// <exception cref="ModelMismatchException">The set has no classifier, or a file is not a loadable model whose tensors
    /// match the manifest.</exception>
    public OnnxVisualClassifier(ModelSet modelSet, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelSet);
        modelSet.Require(modelSet.VisualClassifierPath, "a visual classifier (video.classifier)");
        CropSize = modelSet.Manifest.Video.CropSize;
        Labels = modelSet.Labels;
        IReadOnlyList<VisualClassifierManifest> specs = modelSet.Manifest.Video.AllClassifiers;
        float totalWeight = specs.Sum(c => c.Weight);
        var members = new List<Member>();
        try
        {
            for (int i = 0; i < specs.Count; i++)
            {
                members.Add(new Member(modelSet.VisualClassifierPaths[i], specs[i], CropSize, Labels, specs[i].Weight / totalWeight, OnnxRuntimeOptions.ValidatedCopy(options)));
            }
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }

        _members = [.. members];
    }

    /// <inheritdoc/>
    public int CropSize { get; }

    /// <inheritdoc/>
    /// <remarks>The number of the set's labels.</remarks>
    public int FeatureDimension => Labels.Count;

    /// <summary>Gets the labels of the output columns: the model set's, whatever each classifier's own order.</summary>
    public EmotionLabelSet Labels { get; }

    /// <summary>Gets the execution provider the sessions use.</summary>
    public OnnxExecutionProvider ExecutionProvider => _members[0].Model.ExecutionProvider;

    /// <inheritdoc/>
    public bool RunsOnAccelerator => ExecutionProvider != OnnxExecutionProvider.Cpu;

    /// <inheritdoc/>
    string? IOnnxBacked.ProviderFallbackReason => _members[0].Model.ProviderFallbackReason;

    /// <inheritdoc/>
    /// <remarks>Returns one row of class probabilities per frame. Every classifier sees each crop whole: a crop around a
    /// face, where a classifier sees its own region, comes through <see cref="EncodeAsync(ReadOnlyMemory{float}, int, ReadOnlyMemory{bool}, CancellationToken)"/>.</remarks>
    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, CancellationToken cancellationToken = default) =>
        EncodeAsync(frames, frameCount, ReadOnlyMemory<bool>.Empty, cancellationToken);

    /// <summary>Encodes a batch of frames, each classifier seeing its own region of the frames cropped around a face.</summary>
    /// <param name="frames">Normalised crops, <c>[frameCount, 3, CropSize, CropSize]</c>.</param>
    /// <param name="frameCount">The number of frames.</param>
    /// <param name="croppedAroundFace">Per frame, whether it was cropped around its face
    /// (<see cref="VideoPreprocessingResult.CroppedAroundFace"/>); empty when none was.</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    /// <returns>One row of class probabilities per frame.</returns>
    public ValueTask<FeatureMatrix> EncodeAsync(ReadOnlyMemory<float> frames, int frameCount, ReadOnlyMemory<bool> croppedAroundFace, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        if (!croppedAroundFace.IsEmpty && croppedAroundFace.Length != frameCount)
        {
            throw new ArgumentException($"Visual classifier input: expected {frameCount} face-crop flags or none, found {croppedAroundFace.Length}.", nameof(croppedAroundFace));
        }

        long expected = (long)frameCount * 3 * CropSize * CropSize;
        if (frames.Length != expected)
        {
            throw new ArgumentException($"Visual classifier input: expected {frameCount} x 3 x {CropSize} x {CropSize} = {expected} floats, found {frames.Length}.", nameof(frames));
        }

        var probabilities = new PooledBuffer<float>(frameCount * Labels.Count);
        try
        {
            probabilities.Span.Clear();
            foreach (Member member in _members)
            {
                member.AddProbabilities(frames.Span, frameCount, croppedAroundFace.Span, probabilities.Span, cancellationToken);
            }

            return ValueTask.FromResult(new FeatureMatrix(probabilities, frameCount, Labels.Count));
        }
        catch
        {
            probabilities.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Member member in _members)
        {
            member.Dispose();
        }
    }

    /// <summary>One classifier of the ensemble: its session, its region of the crop, its input layout and its weight.</summary>
    private sealed class Member : IDisposable
    {
        private readonly string[] _inputNames;
        private readonly string[] _outputNames;
        private readonly int _cropSize, _size;
        private readonly bool _gray, _flip;
        private readonly float _red, _green, _blue, _mean, _scale, _weight;
        private readonly int[] _labelMap;
        private readonly View _whole, _region;

        public Member(string path, VisualClassifierManifest spec, int cropSize, EmotionLabelSet labels, float weight, OnnxRuntimeOptions options)
        {
            _cropSize = cropSize;
            _size = spec.InputSize ?? cropSize;
            _gray = spec.InputFormat == "gray";
            _flip = spec.Flip;
            _weight = weight;
            _whole = new View(cropSize, 0, 0, Taps(cropSize, _size));
            int side = Math.Clamp((int)MathF.Round(cropSize * spec.Region.Scale), 1, cropSize), x = (cropSize - side) / 2;
            _region = side == cropSize && spec.Region.ShiftY == 0
                ? _whole
                : new View(side, x, Math.Clamp(x + (int)MathF.Round(spec.Region.ShiftY * cropSize), 0, cropSize - side), Taps(side, _size));
            (_red, _green, _blue) = (spec.GrayscaleWeights[0], spec.GrayscaleWeights[1], spec.GrayscaleWeights[2]);
            (_mean, _scale) = (spec.Mean, 1f / spec.Std);
            _labelMap = [.. spec.Labels.Select(labels.IndexOf)];
            _inputNames = [spec.Input];
            _outputNames = [spec.Output];
            Model = new OnnxModel(
                path,
                [new TensorSpec(spec.Input, [-1, _size, _size, _gray ? 1 : 3])],
                [new TensorSpec(spec.Output, [-1, spec.Labels.Count])],
                options);
        }

        public OnnxModel Model { get; }

        /// <summary>Adds this classifier's weighted probabilities, in the set's label order, to <paramref name="destination"/>.</summary>
        public void AddProbabilities(ReadOnlySpan<float> frames, int frameCount, ReadOnlySpan<bool> croppedAroundFace, Span<float> destination, CancellationToken cancellationToken)
        {
            int channels = _gray ? 1 : 3, pixels = _size * _size, plane = _cropSize * _cropSize;
            int views = _flip ? 2 : 1, batch = frameCount * views;
            using var input = new PooledBuffer<float>(batch * pixels * channels);
            using var planes = new PooledBuffer<float>(3 * pixels);
            using var scratch = new PooledBuffer<float>(_cropSize * _size);
            for (int f = 0; f < frameCount; f++)
            {
                ReadOnlySpan<float> frame = frames.Slice(f * 3 * plane, 3 * plane);
                View view = !croppedAroundFace.IsEmpty && croppedAroundFace[f] ? _region : _whole;
                Span<float> rgb = planes.Span;
                for (int p = 0; p < 3; p++)
                {
                    Sample(frame.Slice(p * plane, plane), view, rgb.Slice(p * pixels, pixels), scratch.Span);
                }

                WriteInput(rgb, input.Span.Slice(f * pixels * channels, pixels * channels));
                if (_flip)
                {
                    for (int row = 0; row < 3 * _size; row++)
                    {
                        rgb.Slice(row * _size, _size).Reverse();
                    }

                    WriteInput(rgb, input.Span.Slice((frameCount + f) * pixels * channels, pixels * channels));
                }
            }

            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.Memory, [batch, _size, _size, channels]);
            using var outputs = Model.Run(_inputNames, [value], _outputNames, cancellationToken);
            ReadOnlySpan<float> scores = outputs[0].GetTensorDataAsSpan<float>();
            int classes = _labelMap.Length, columns = destination.Length / frameCount;
            if (scores.Length != batch * classes)
            {
                throw new ModelMismatchException($"Model '{Path.GetFileName(Model.Path)}' output: expected {batch} x {classes} probabilities, found {scores.Length} values.");
            }

            float share = _weight / views;
            for (int v = 0; v < views; v++)
            {
                for (int f = 0; f < frameCount; f++)
                {
                    ReadOnlySpan<float> p = scores.Slice(((v * frameCount) + f) * classes, classes);
                    Span<float> row = destination.Slice(f * columns, columns);
                    for (int c = 0; c < classes; c++)
                    {
                        row[_labelMap[c]] += share * p[c];
                    }
                }
            }
        }

        public void Dispose() => Model.Dispose();

        /// <summary>One view of one crop plane at this classifier's input size: separable resampling with a triangle filter
        /// as wide as the scale step (bilinear when enlarging; averaging every covered pixel when shrinking, so a 112-pixel crop
        /// brought to 64 does not alias).</summary>
        private void Sample(ReadOnlySpan<float> source, View view, Span<float> destination, Span<float> scratch)
        {
            if (view.Side == _size && view.Side == _cropSize)
            {
                source.CopyTo(destination);
                return;
            }

            // Rows of the view, each resampled across: [side, size].
            for (int y = 0; y < view.Side; y++)
            {
                ReadOnlySpan<float> row = source.Slice(((view.Y + y) * _cropSize) + view.X, view.Side);
                Span<float> target = scratch.Slice(y * _size, _size);
                for (int x = 0; x < _size; x++)
                {
                    Tap tap = view.Taps[x];
                    target[x] = TensorPrimitives.Dot(row.Slice(tap.Start, tap.Weights.Length), tap.Weights);
                }
            }

            // Then down the columns.
            for (int y = 0; y < _size; y++)
            {
                Tap tap = view.Taps[y];
                Span<float> target = destination.Slice(y * _size, _size);
                target.Clear();
                for (int k = 0; k < tap.Weights.Length; k++)
                {
                    TensorPrimitives.MultiplyAdd(scratch.Slice((tap.Start + k) * _size, _size), tap.Weights[k], target, target);
                }
            }
        }

        private static Tap[] Taps(int source, int size)
        {
            float step = (float)source / size, support = MathF.Max(1f, step);
            var taps = new Tap[size];
            for (int i = 0; i < size; i++)
            {
                float centre = ((i + 0.5f) * step) - 0.5f;
                int first = Math.Max(0, (int)MathF.Ceiling(centre - support)), last = Math.Min(source - 1, (int)MathF.Floor(centre + support));
                var weights = new float[last - first + 1];
                for (int k = 0; k < weights.Length; k++)
                {
                    weights[k] = MathF.Max(0f, 1f - (MathF.Abs(first + k - centre) / support));
                }

                float sum = TensorPrimitives.Sum(weights);
                TensorPrimitives.Divide(weights, sum, weights);
                taps[i] = new Tap(first, weights);
            }

            return taps;
        }

        private readonly record struct Tap(int Start, float[] Weights);

        /// <summary>A square of the crop (its side and top-left corner) and the taps that bring it to the input size.</summary>
        private sealed record View(int Side, int X, int Y, Tap[] Taps);

        /// <summary>Planar RGB in [0, 1] to the classifier's NHWC input for one frame.</summary>
        private void WriteInput(ReadOnlySpan<float> rgb, Span<float> destination)
        {
            int pixels = _size * _size;
            ReadOnlySpan<float> r = rgb[..pixels], g = rgb.Slice(pixels, pixels), b = rgb.Slice(2 * pixels, pixels);
            if (_gray)
            {
                TensorPrimitives.Multiply(r, _red, destination);
                TensorPrimitives.MultiplyAdd(g, _green, destination, destination);
                TensorPrimitives.MultiplyAdd(b, _blue, destination, destination);
                TensorPrimitives.Subtract(destination, _mean, destination);
                TensorPrimitives.Multiply(destination, _scale, destination);
                return;
            }

            for (int i = 0; i < pixels; i++)
            {
                destination[3 * i] = r[i] * 255f;
                destination[(3 * i) + 1] = g[i] * 255f;
                destination[(3 * i) + 2] = b[i] * 255f;
            }
        }
    }
}
