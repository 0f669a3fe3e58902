using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NeuroSync.Cli.Output;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Cli.Commands;

/// <summary>
/// <c>neurosync preprocess-frames &lt;image-or-folder&gt; --out &lt;folder&gt; [--json]</c>: runs the video front-end on images
/// (each file one frame) and writes the crops the visual encoder sees.
/// </summary>
internal static class PreprocessFramesCommand
{
    /// <summary>The most images one run takes: they are decoded together as the frames of one clip.</summary>
    private const int MaxFrames = 1000;

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output)
    {
        var input = new Argument<string>("image-or-folder")
        {
            Description = $"An image, or a folder whose {string.Join('/', InputPaths.ImageExtensions.Select(e => e.TrimStart('.')))} files are taken in name order as the frames of a clip.",
        };
        var outFolder = new Option<string>("--out", "-o")
        {
            Description = "The folder that receives one <name>.crop.png per frame (created if missing).",
            HelpName = "folder",
            Required = true,
        };
        Option<bool> json = CommonOptions.Json();
        var command = new Command(
            "preprocess-frames",
            "Run the original's video front-end on images, one frame each: lighting probe, largest Haar face, the 224x224 crop its encoder sees, and the clip's status.")
        {
            input,
            outFolder,
            json,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(input), parse.GetRequiredValue(outFolder), parse.GetValue(json), output));
        return command;
    }

    /// <summary>Preprocesses frames and reports what was seen in each.</summary>
    /// <param name="frames">The frames with the names to report them under; every file one frame.</param>
    /// <param name="cropFolder">The folder for the crops, or <see langword="null"/> to write none.</param>
    /// <returns>The report, and the clip's video status for a modality mask.</returns>
    internal static (FramesReport Report, VideoStatus Status) Analyse(IReadOnlyList<(string Name, Image<Rgb24> Image)> frames, string? cropFolder)
    {
        // Each image is one frame of the clip, so every frame is sampled.
        var preprocessor = new VideoPreprocessor(options: new VideoPreprocessingOptions { FrameStride = 1 });
        float[] tensor = new float[preprocessor.TensorLength(frames.Count)];
        VideoPreprocessingResult result = preprocessor.Preprocess([.. frames.Select(f => new VideoFrame(f.Image))], tensor, CancellationToken.None);

        string[] cropNames = CropNames(frames.Select(f => f.Name).ToArray());
        var reports = new List<FrameReport>(result.Frames.Count);
        foreach (FrameAnalysis analysis in result.Frames)
        {
            string? crop = null;
            if (cropFolder is not null)
            {
                crop = Path.Combine(cropFolder, cropNames[analysis.FrameIndex]);
                ReadOnlySpan<float> frameTensor = tensor.AsSpan(analysis.FrameIndex * preprocessor.FrameTensorLength, preprocessor.FrameTensorLength);
                using Image<Rgb24> image = preprocessor.ToImage(frameTensor);
                OutputPaths.Write("--out", crop, () => image.SaveAsPng(crop));
            }

            reports.Add(new FrameReport(
                frames[analysis.FrameIndex].Name,
                analysis.Face is { } face ? FaceBoxReport.From(face) : null,
                new LightingReport(Math.Round(analysis.MeanLuma, 2), Math.Round(analysis.LumaStdDev, 2)),
                StatusText.Name(analysis.Status),
                StatusText.Reason(analysis.Status),
                crop));
        }

        return (new FramesReport(StatusText.Name(result.Status), StatusText.Reason(result.Status), reports), result.Status);
    }

    /// <summary>Writes a report as a text table.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write.</param>
    internal static void WriteTable(FramesReport report, TextWriter output)
    {
        int nameWidth = Math.Max(5, report.Frames.Max(f => f.File.Length));
        output.WriteLine($"  {"frame".PadRight(nameWidth)}  {"face box (x, y, w, h)",-22}  {"mean luma",9}  {"std luma",8}  status");
        foreach (FrameReport f in report.Frames)
        {
            string box = f.Box is { } b ? $"{b.X}, {b.Y}, {b.Width}, {b.Height}" : "none (whole frame)";
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {f.File.PadRight(nameWidth)}  {box,-22}  {f.Lighting.MeanLuma,9:0.0}  {f.Lighting.LumaStdDev,8:0.0}  {f.Status}: {f.Reason}"));
        }

        output.WriteLine($"video: {report.Status} ({report.Reason})");
    }

    private static int Run(string path, string outFolder, bool json, TextWriter output)
    {
        if (outFolder.Length == 0)
        {
            throw new CliUsageException("--out: expected a folder path, found an empty string.");
        }

        IReadOnlyList<string> files = InputPaths.ImageFiles(path);
        if (files.Count > MaxFrames)
        {
            throw new CliInputException($"Images '{path}': expected at most {MaxFrames} images (they are held in memory as one clip), found {files.Count}.");
        }

        if (File.Exists(outFolder))
        {
            // Checked before decoding anything; CreateFolder checks again when it creates the folder.
            throw new CliInputException($"--out '{outFolder}': expected a folder, found a file.");
        }

        var loader = new FrameLoader();
        var frames = new List<(string Name, Image<Rgb24> Image)>(files.Count);
        try
        {
            foreach (string file in files)
            {
                frames.Add((Path.GetFileName(file), loader.Load(file)));
            }

            OutputPaths.CreateFolder("--out", outFolder);
            var (report, _) = Analyse(frames, outFolder);
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.FramesReport));
            }
            else
            {
                WriteTable(report, output);
                output.WriteLine($"wrote {report.Frames.Count} crop(s) to {outFolder}");
            }

            return ExitCodes.Success;
        }
        finally
        {
            foreach (var (_, image) in frames)
            {
                image.Dispose();
            }
        }
    }

    /// <summary><c>name.crop.png</c> for each file; the full file name is kept where two files share a name stem.</summary>
    private static string[] CropNames(string[] files)
    {
        var stems = files.Select(Path.GetFileNameWithoutExtension).ToArray();
        return files
            .Select((file, i) => (stems.Count(s => string.Equals(s, stems[i], StringComparison.OrdinalIgnoreCase)) > 1 ? file : stems[i]) + ".crop.png")
            .ToArray();
    }
}
