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
            "Run face detection, the audio front-end and the video front-end on the sample assets and print what each one decided, "
            + "then the whole pipeline with the tiny test models (random weights: the label means nothing).");
        command.SetAction((_, cancellationToken) => RunAsync(output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        // System.CommandLine starts watching for Ctrl+C once the action returns its task; yield so that happens before the slow part.
        await Task.Yield();
        string assets = Path.Combine(AppContext.BaseDirectory, "Assets");
        string imagePath = InputPaths.RequireFile(Path.Combine(assets, ImageAsset), "Sample image");
        string audioPath = InputPaths.RequireFile(Path.Combine(assets, AudioAsset), "Sample audio");

        string models = SampleModels.FindTiny();

        output.WriteLine("NeuroSync demo: the front-ends on the sample assets, then a prediction from the tiny test models.");
        output.WriteLine();

        using Image<Rgb24> photo = new FrameLoader().Load(imagePath);
        IReadOnlyList<FaceBox> faces = new HaarFaceDetector().DetectFaces(photo, cancellationToken);
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
        cancellationToken.ThrowIfCancellationRequested();
        var (video, videoStatus) = PreprocessFramesCommand.Analyse(
            [(ImageAsset, photo), ("photo in near darkness", dark), ("flat grey frame", grey)],
            cropFolder: null);
        PreprocessFramesCommand.WriteTable(video, output);

        output.WriteLine();
        var mask = new ModalityMask(audio.Silent ? AudioStatus.Silent : AudioStatus.Available, videoStatus);
        output.WriteLine($"Modality mask: {mask}");

        output.WriteLine();
        using EmotionRecognizer recognizer = EmotionRecognizer.Create(models);
        int stride = AnalyzeCommand.FrameStride(recognizer);
        int frameCount = 3 * stride;
        output.WriteLine($"4. The whole pipeline (front-ends, audio and visual encoders, fusion head on ONNX Runtime) with the tiny test models in {SampleModels.TinyFolder}");
        output.WriteLine("   THE TINY MODELS HAVE RANDOM WEIGHTS: the label and scores below mean nothing. They show that the pipeline runs end to end;");
        output.WriteLine("   real predictions need a real model set (neurosync analyze --models <folder>).");
        output.WriteLine($"   Input: {AudioAsset}, and {ImageAsset} repeated as a clip of {frameCount} frames (one frame in {stride} is sampled: {frameCount / stride}).");
        output.WriteLine();
        VideoFrame[] frames = [.. Enumerable.Repeat(new VideoFrame(photo), frameCount)];
        EmotionPrediction prediction = await recognizer.RecognizeAsync(new EmotionInput { Audio = clip, Frames = frames }, cancellationToken).ConfigureAwait(false);
        AnalyzeCommand.WriteText(prediction, recognizer, _ => ImageAsset, output);

        output.WriteLine();
        output.WriteLine("Try it on your own files: neurosync detect-faces <image> | preprocess-audio <in.wav> | preprocess-frames <folder> --out <folder>");
        output.WriteLine("                          | analyze --models <folder> [--audio <in.wav>] [--frames <image-or-folder>]");
        return ExitCodes.Success;
    }
}
