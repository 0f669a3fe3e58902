using System.CommandLine;
using NeuroSync.Cli.Output;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuroSync.Cli.Commands;

/// <summary><c>neurosync demo</c>: both front-ends on the sample assets shipped with the command.</summary>
internal static class DemoCommand
{
    /// <summary>The sample photo (public domain; see Assets/README.md).</summary>
    public const string ImageAsset = "astronaut_640x480.png";

    /// <summary>The sample speech clip (espeak-ng; see Assets/README.md).</summary>
    public const string AudioAsset = "espeak_hello_22050.wav";

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output)
    {
        var command = new Command(
            "demo",
            "Run face detection, the audio front-end and the video front-end on the sample assets and print what each one decided.");
        command.SetAction(_ => Run(output));
        return command;
    }

    private static int Run(TextWriter output)
    {
        string assets = Path.Combine(AppContext.BaseDirectory, "Assets");
        string imagePath = InputPaths.RequireFile(Path.Combine(assets, ImageAsset), "Sample image");
        string audioPath = InputPaths.RequireFile(Path.Combine(assets, AudioAsset), "Sample audio");

        output.WriteLine("NeuroSync demo: the front-ends on the sample assets (prediction arrives with the ONNX pipeline).");
        output.WriteLine();

        using Image<Rgb24> photo = new FrameLoader().Load(imagePath);
        IReadOnlyList<FaceBox> faces = new HaarFaceDetector().DetectFaces(photo, CancellationToken.None);
        output.WriteLine($"1. Faces in {ImageAsset} ({photo.Width}x{photo.Height}): {faces.Count}");
        foreach (FaceBox f in faces)
        {
            output.WriteLine($"   x {f.X}, y {f.Y}, width {f.Width}, height {f.Height}");
        }

        output.WriteLine();
        var (audio, clip) = PreprocessAudioCommand.Analyse(audioPath);
        output.WriteLine($"2. Audio {AudioAsset} ({clip.SampleRate} Hz, {clip.Channels} channel(s), {clip.Duration.TotalSeconds:0.00} s)");
        output.WriteLine($"   {PreprocessAudioCommand.Describe(audio)}");

        output.WriteLine();
        output.WriteLine("3. Video front-end on three frames: the photo, the photo in near darkness, and a flat grey frame (a covered camera)");
        using Image<Rgb24> dark = photo.Clone(c => c.Brightness(0.05f));
        using var grey = new Image<Rgb24>(photo.Width, photo.Height, new Rgb24(120, 120, 120));
        var (video, videoStatus) = PreprocessFramesCommand.Analyse(
            [(ImageAsset, photo), ("photo in near darkness", dark), ("flat grey frame", grey)],
            cropFolder: null);
        PreprocessFramesCommand.WriteTable(video, output);

        output.WriteLine();
        var mask = new ModalityMask(audio.Silent ? AudioStatus.Silent : AudioStatus.Available, videoStatus);
        output.WriteLine($"Modality mask: {mask}");
        output.WriteLine("Try it on your own files: neurosync detect-faces <image> | preprocess-audio <in.wav> | preprocess-frames <folder> --out <folder>");
        return ExitCodes.Success;
    }
}
