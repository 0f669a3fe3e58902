using System.Text.Json.Nodes;
using NeuroSync.Composition;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Vision;

namespace NeuroSync.Tests.Vision;

/// <summary>
/// The lite set's face path, an ensemble of two classifiers with flip averaging, against its parts run one at a time: each
/// part through a manifest that names only it, on the frame and on its mirror image made by the test.
/// </summary>
public sealed class VisualClassifierEnsembleTests : IDisposable
{
    private const int Crop = 112;
    private readonly List<ModelFolderCopy> _copies = [];

    [Fact]
    public async Task Ensemble_IsTheWeightedMeanOfItsFlipAveragedMembers()
    {
        float[] frame = RandomFrame(seed: 3), mirror = Mirror(frame);
        using var ensemble = new OnnxVisualClassifier(ModelSetLoader.Load(LiteModels.Folder));
        using var fer = Single(index: 0);
        using var faceApi = Single(index: 1);

        float[] actual = await Encode(ensemble, frame);
        float[] ferPlain = await Encode(fer, frame), ferMirror = await Encode(fer, mirror);
        float[] faPlain = await Encode(faceApi, frame), faMirror = await Encode(faceApi, mirror);

        Assert.Equal(EmotionLabelSet.Default.Count, actual.Length);
        for (int c = 0; c < actual.Length; c++)
        {
            float expected = (0.5f * 0.5f * (ferPlain[c] + ferMirror[c])) + (0.5f * 0.5f * (faPlain[c] + faMirror[c]));
            Assert.Equal(expected, actual[c], 1e-6f);
        }

        Assert.Equal(1f, actual.Sum(), 1e-5f);
    }

    [Fact]
    public async Task Member_SmallerInput_SeesTheCropThroughATriangleFilter()
    {
        // mini-Xception at 64 from the 112 crop, against the same network at its native size on the test's own resize.
        float[] frame = RandomFrame(seed: 5);
        using var fromCrop = Single(index: 0, flip: false);
        using var native = Single(index: 0, flip: false, cropSize: 64);

        float[] actual = await Encode(fromCrop, frame);
        float[] expected = await Encode(native, NaiveResize(frame, Crop, 64));

        for (int c = 0; c < actual.Length; c++)
        {
            Assert.Equal(expected[c], actual[c], 1e-5f);
        }
    }

    [Fact]
    public async Task Member_Region_SeesItsPartOfACropAroundAFaceAndAnyOtherCropWhole()
    {
        // mini-Xception seeing the centred 95 of 112 pixels of a crop around a face, against the same network given those
        // 95 pixels as its whole crop (cut out by the test); other crops it sees whole, as a member without a region does.
        const int Side = 95, Start = (Crop - Side) / 2;
        float[] face = RandomFrame(seed: 7), other = RandomFrame(seed: 8);
        using var withRegion = Single(index: 0, flip: false, region: 0.846f);
        using var whole = Single(index: 0, flip: false);
        using var native = Single(index: 0, flip: false, cropSize: Side, keepInputSize: true);

        using FeatureMatrix both = await withRegion.EncodeAsync(face.Concat(other).ToArray(), 2, new[] { true, false });
        float[] expectedFace = await Encode(native, Cut(face, Start, Side)), expectedOther = await Encode(whole, other);

        Assert.Equal(expectedFace, both.GetRow(0).ToArray()); // tolerance: exact (the same 95 -> 64 taps on the same pixels)
        Assert.Equal(expectedOther, both.GetRow(1).ToArray());
        Assert.Equal(await Encode(whole, face), await Encode(withRegion, face)); // without flags every crop is seen whole
        Assert.NotEqual(expectedFace, await Encode(whole, face));
        await Assert.ThrowsAsync<ArgumentException>(async () => (await withRegion.EncodeAsync(face, 1, new[] { true, true })).Dispose());
    }

    public void Dispose() => _copies.ForEach(c => c.Dispose());

    private OnnxVisualClassifier Single(int index, bool flip = true, int cropSize = Crop, bool keepInputSize = false, float? region = null)
    {
        var copy = new ModelFolderCopy(LiteModels.Folder, "neurosync-ensemble");
        _copies.Add(copy);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(copy.Path, "neurosync.json")))!;
        JsonNode member = manifest["video"]!["classifiers"]![index]!.DeepClone();
        member["flip"] = flip;
        if (cropSize != Crop && !keepInputSize)
        {
            member.AsObject().Remove("inputSize");
        }

        if (region is { } scale)
        {
            member["region"] = new JsonObject { ["scale"] = scale };
        }

        copy.EditManifest("video.classifiers", new JsonArray(member));
        copy.EditManifest("video.cropSize", cropSize);
        return new OnnxVisualClassifier(ModelSetLoader.Load(copy.Path));
    }

    private static async Task<float[]> Encode(OnnxVisualClassifier classifier, float[] frame)
    {
        using FeatureMatrix features = await classifier.EncodeAsync(frame, frameCount: 1);
        return features.GetRow(0).ToArray();
    }

    private static float[] RandomFrame(int seed)
    {
        var rng = new Random(seed);
        var frame = new float[3 * Crop * Crop];
        for (int i = 0; i < frame.Length; i++)
        {
            frame[i] = rng.Next(256) / 255f;
        }

        return frame;
    }

    private static float[] Cut(float[] frame, int start, int side)
    {
        var cut = new float[3 * side * side];
        for (int p = 0; p < 3; p++)
        {
            for (int y = 0; y < side; y++)
            {
                frame.AsSpan((p * Crop * Crop) + ((start + y) * Crop) + start, side).CopyTo(cut.AsSpan((p * side * side) + (y * side), side));
            }
        }

        return cut;
    }

    private static float[] Mirror(float[] frame)
    {
        float[] mirror = (float[])frame.Clone();
        for (int row = 0; row < 3 * Crop; row++)
        {
            mirror.AsSpan(row * Crop, Crop).Reverse();
        }

        return mirror;
    }

    /// <summary>The naive twin: every output pixel a normalised triangle-weighted sum, in double, one pixel at a time.</summary>
    private static float[] NaiveResize(float[] frame, int from, int to)
    {
        var output = new float[3 * to * to];
        double step = (double)from / to, support = Math.Max(1, step);
        for (int p = 0; p < 3; p++)
        {
            for (int oy = 0; oy < to; oy++)
            {
                for (int ox = 0; ox < to; ox++)
                {
                    double cy = ((oy + 0.5) * step) - 0.5, cx = ((ox + 0.5) * step) - 0.5, sum = 0, weights = 0;
                    for (int y = 0; y < from; y++)
                    {
                        double wy = Math.Max(0, 1 - (Math.Abs(y - cy) / support));
                        for (int x = 0; x < from && wy > 0; x++)
                        {
                            double wx = Math.Max(0, 1 - (Math.Abs(x - cx) / support));
                            sum += wy * wx * frame[(p * from * from) + (y * from) + x];
                            weights += wy * wx;
                        }
                    }

                    output[(p * to * to) + (oy * to) + ox] = (float)(sum / weights);
                }
            }
        }

        return output;
    }
}
