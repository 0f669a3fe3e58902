using System.Globalization;
using System.Xml;

namespace NeuroSync.Vision;

/// <summary>
/// A boosted Haar-feature cascade read from OpenCV's cascade XML format (the format of
/// <c>haarcascade_frontalface_default.xml</c>, written by <c>opencv_traincascade</c>).
/// </summary>
/// <remarks>
/// Immutable and thread-safe once loaded. Only stump-based cascades of upright Haar features are supported
/// (the frontal-face cascades OpenCV ships); others are refused with a <see cref="NeuroSyncException"/>.
/// </remarks>
internal sealed class HaarCascade
{
    // OpenCV lowers every stage threshold by this much when it reads a cascade; parity needs the same.
    private const float StageThresholdEpsilon = 1e-5f;

    private static readonly Lazy<HaarCascade> LazyFrontalFaceDefault = new(LoadFrontalFaceDefault);

    private HaarCascade(int windowWidth, int windowHeight, HaarStage[] stages, HaarStump[] stumps, HaarFeature[] features)
    {
        WindowWidth = windowWidth;
        WindowHeight = windowHeight;
        Stages = stages;
        Stumps = stumps;
        Features = features;
    }

    /// <summary>Gets OpenCV's <c>haarcascade_frontalface_default.xml</c> (Rainer Lienhart, Intel License), embedded in this assembly.</summary>
    public static HaarCascade FrontalFaceDefault => LazyFrontalFaceDefault.Value;

    /// <summary>Gets the width of the detection window the cascade was trained on, in pixels.</summary>
    public int WindowWidth { get; }

    /// <summary>Gets the height of the detection window the cascade was trained on, in pixels.</summary>
    public int WindowHeight { get; }

    /// <summary>Gets the number of stages.</summary>
    public int StageCount => Stages.Length;

    internal HaarStage[] Stages { get; }

    internal HaarStump[] Stumps { get; }

    internal HaarFeature[] Features { get; }

    /// <summary>Reads a cascade from an OpenCV cascade XML file.</summary>
    /// <param name="path">The path of the XML file.</param>
    /// <returns>The cascade.</returns>
    /// <exception cref="NeuroSyncException">The file is not a supported OpenCV cascade.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static HaarCascade Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Load(stream, Path.GetFileName(path));
    }

    /// <summary>Reads a cascade from a stream holding OpenCV cascade XML.</summary>
    /// <param name="stream">The stream; read to its end and not disposed.</param>
    /// <returns>The cascade.</returns>
    /// <exception cref="NeuroSyncException">The stream is not a supported OpenCV cascade.</exception>
    public static HaarCascade Load(Stream stream) => Load(stream, "cascade");

    private static HaarCascade LoadFrontalFaceDefault()
    {
        using var stream = typeof(HaarCascade).Assembly.GetManifestResourceStream("NeuroSync.Vision.haarcascade_frontalface_default.xml")
            ?? throw new InvalidOperationException("The embedded frontal face cascade is missing from the NeuroSync assembly.");
        return Load(stream, "haarcascade_frontalface_default.xml");
    }

    private static HaarCascade Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var document = new XmlDocument { XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new NeuroSyncException($"Haar cascade '{name}': expected OpenCV cascade XML, found malformed XML ({ex.Message}).", ex);
        }

        XmlElement cascade = document.SelectSingleNode("/opencv_storage/*[1]") as XmlElement
            ?? throw Invalid(name, "an <opencv_storage> root with a cascade element", "none");
        string stageType = Text(cascade, "stageType", name);
        string featureType = Text(cascade, "featureType", name);
        if (stageType != "BOOST" || featureType != "HAAR")
        {
            throw Invalid(name, "stageType BOOST and featureType HAAR (the new cascade format)", $"{stageType} and {featureType}");
        }

        int width = Int(cascade, "width", name);
        int height = Int(cascade, "height", name);
        if (width is < 2 or > 256 || height is < 2 or > 256)
        {
            throw Invalid(name, "a window of 2 to 256 pixels per side", $"{width}x{height}");
        }

        var features = ReadFeatures(cascade, width, height, name);
        var stages = new List<HaarStage>();
        var stumps = new List<HaarStump>();
        foreach (XmlElement stage in Children(cascade, "stages", name))
        {
            float threshold = (float)ParseDouble(Text(stage, "stageThreshold", name), name) - StageThresholdEpsilon;
            int first = stumps.Count;
            foreach (XmlElement weak in Children(stage, "weakClassifiers", name))
            {
                double[] nodes = Numbers(Text(weak, "internalNodes", name), name);
                double[] leaves = Numbers(Text(weak, "leafValues", name), name);
                if (nodes.Length != 4 || leaves.Length != 2)
                {
                    throw Invalid(name, "stump weak classifiers (4 internal-node values, 2 leaves)", $"{nodes.Length} and {leaves.Length}");
                }

                int featureIndex = (int)nodes[2];
                if (featureIndex < 0 || featureIndex >= features.Length)
                {
                    throw Invalid(name, $"feature indices below {features.Length}", featureIndex.ToString(CultureInfo.InvariantCulture));
                }

                stumps.Add(new HaarStump(featureIndex, (float)nodes[3], (float)leaves[0], (float)leaves[1]));
            }

            if (stumps.Count == first)
            {
                throw Invalid(name, "at least one weak classifier per stage", "an empty stage");
            }

            stages.Add(new HaarStage(first, stumps.Count - first, threshold));
        }

        if (stages.Count == 0)
        {
            throw Invalid(name, "at least one stage", "none");
        }

        return new HaarCascade(width, height, [.. stages], [.. stumps], features);
    }

    private static HaarFeature[] ReadFeatures(XmlElement cascade, int width, int height, string name)
    {
        var features = new List<HaarFeature>();
        foreach (XmlElement feature in Children(cascade, "features", name))
        {
            if (feature["tilted"] is { } tilted && tilted.InnerText.Trim() != "0")
            {
                throw Invalid(name, "upright Haar features", "a tilted (45 degree) feature");
            }

            var rects = new HaarRect[3];
            int count = 0;
            foreach (XmlElement rect in Children(feature, "rects", name))
            {
                double[] v = Numbers(rect.InnerText, name);
                if (v.Length != 5 || count == 3)
                {
                    throw Invalid(name, "up to 3 rectangles of 5 numbers (x y w h weight) per feature", $"{v.Length} numbers in rectangle {count + 1}");
                }

                var r = new HaarRect((int)v[0], (int)v[1], (int)v[2], (int)v[3], (float)v[4]);
                if (r.X < 0 || r.Y < 0 || r.Width <= 0 || r.Height <= 0 || r.X + r.Width > width || r.Y + r.Height > height)
                {
                    throw Invalid(name, $"rectangles inside the {width}x{height} window", $"{r.X} {r.Y} {r.Width} {r.Height}");
                }

                rects[count++] = r;
            }

            if (count < 2)
            {
                throw Invalid(name, "2 or 3 rectangles per feature", count.ToString(CultureInfo.InvariantCulture));
            }

            features.Add(new HaarFeature(rects[0], rects[1], rects[2]));
        }

        return [.. features];
    }

    private static IEnumerable<XmlElement> Children(XmlElement parent, string name, string file) =>
        (parent[name] ?? throw Invalid(file, $"a <{name}> element", "none")).ChildNodes.OfType<XmlElement>();

    private static string Text(XmlElement parent, string name, string file) =>
        parent[name]?.InnerText.Trim() ?? throw Invalid(file, $"a <{name}> element", "none");

    private static int Int(XmlElement parent, string name, string file) =>
        int.TryParse(Text(parent, name, file), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Invalid(file, $"an integer <{name}>", Text(parent, name, file));

    private static double[] Numbers(string text, string file) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(t => ParseDouble(t, file)).ToArray();

    private static double ParseDouble(string text, string file) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw Invalid(file, "finite numbers", $"'{text}'");

    private static NeuroSyncException Invalid(string file, string expected, string found) =>
        new($"Haar cascade '{file}': expected {expected}, found {found}.");
}

/// <summary>A stage: the sum of its stumps' leaf values must reach <see cref="Threshold"/> for a window to pass.</summary>
internal readonly record struct HaarStage(int FirstStump, int StumpCount, float Threshold);

/// <summary>A depth-1 tree: <see cref="Left"/> when the normalised feature value is below <see cref="Threshold"/>, else <see cref="Right"/>.</summary>
internal readonly record struct HaarStump(int FeatureIndex, float Threshold, float Left, float Right);

/// <summary>A weighted rectangle of a Haar feature, in window coordinates.</summary>
internal readonly record struct HaarRect(int X, int Y, int Width, int Height, float Weight);

/// <summary>A Haar feature: two or three weighted rectangles (the third has weight 0 when absent).</summary>
internal readonly record struct HaarFeature(HaarRect R0, HaarRect R1, HaarRect R2);
