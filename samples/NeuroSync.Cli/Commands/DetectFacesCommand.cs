using System.CommandLine;
using System.Text.Json;
using NeuroSync.Cli.Output;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Cli.Commands;

/// <summary><c>neurosync detect-faces &lt;image&gt; [--json]</c>: the Haar face boxes of one image.</summary>
internal static class DetectFacesCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output)
    {
        var image = new Argument<string>("image") { Description = "An image file (PNG, JPEG, BMP, GIF, WebP, TGA, ...)." };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("detect-faces", "Find faces with NeuroSync's OpenCV-compatible Haar detector and print their boxes in image pixels.")
        {
            image,
            json,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(image), parse.GetValue(json), output));
        return command;
    }

    private static int Run(string path, bool json, TextWriter output)
    {
        string file = InputPaths.RequireFile(path, "Image");
        using Image<Rgb24> image = new FrameLoader().Load(file);
        IReadOnlyList<FaceBox> faces = new HaarFaceDetector().DetectFaces(image, CancellationToken.None);
        IReadOnlyList<FaceBoxReport> boxes = [.. faces.Select(FaceBoxReport.From)];
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(boxes, CliJsonContext.Default.IReadOnlyListFaceBoxReport));
            return ExitCodes.Success;
        }

        output.WriteLine($"{Path.GetFileName(file)}: {image.Width}x{image.Height}, {Plural(faces.Count, "face")}");
        if (faces.Count > 0)
        {
            output.WriteLine($"  {"#",3}  {"x",5}  {"y",5}  {"width",5}  {"height",6}");
            for (int i = 0; i < faces.Count; i++)
            {
                FaceBox f = faces[i];
                output.WriteLine($"  {i + 1,3}  {f.X,5}  {f.Y,5}  {f.Width,5}  {f.Height,6}");
            }
        }

        return ExitCodes.Success;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
