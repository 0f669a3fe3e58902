using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuroSync.Audio;
using NeuroSync.Cli.Output;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NeuroSync.Cli.Commands;

/// <summary><c>neurosync demo</c>: the lite model set (real pretrained models, committed) on the sample assets shipped with
/// the command, offline.</summary>
internal static class DemoCommand
{
    /// <summary>The sample photo (public domain; see Assets/README.md).</summary>
    public const string ImageAsset = "astronaut_640x480.png";

    /// <summary>The sample speech clip (espeak-ng; see Assets/README.md).</summary>
    public const string AudioAsset = "espeak_hello_22050.wav";

    /// <summary>The sample noise clip: steady noise, no speech, louder than the RMS gate (see Assets/README.md).</summary>
    public const string NoiseAsset = "steady_noise_16k.wav";

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output)
    {
        var command = new Command(
            "demo",
            "Recognise the emotion in the sample photo and speech with the lite model set (real pretrained models, shipped in the repository; "
            + "no download), and show what each stage decided: the face detectors, the voice-activity probe against steady noise, the lighting probe.");
        command.SetAction((_, cancellationToken) => RunAsync(output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        // System.CommandLine starts watching for Ctrl+C once the action returns its task; yield so that happens before the slow part.
        await Task.Yield();
        CultureInfo inv = CultureInfo.InvariantCulture;
        string assets = Path.Combine(AppContext.BaseDirectory, "Assets");
        string imagePath = InputPaths.RequireFile(Path.Combine(assets, ImageAsset), "Sample image");
        string speechPath = InputPaths.RequireFile(Path.Combine(assets, AudioAsset), "Sample audio");
        string noisePath = InputPaths.RequireFile(Path.Combine(assets, NoiseAsset), "Sample noise");
        string liteModels = SampleModels.Find(SampleModels.LiteFolder);
        using EmotionRecognizer recognizer = EmotionRecognizer.Create(liteModels);

        output.WriteLine($"NeuroSync demo: the lite model set ({SampleModels.LiteFolder}: BlazeFace, two expression classifiers with late fusion, Silero VAD) on the sample assets.");
        output.WriteLine();

        using Image<Rgb24> photo = new FrameLoader().Load(imagePath);
        output.WriteLine($"1. Faces in {ImageAsset} ({photo.Width}x{photo.Height})");
        var blazeFace = recognizer.GetService(typeof(BlazeFaceDetector)) as BlazeFaceDetector ?? throw Missing("a blazeface face detector");
        WriteFaces("BlazeFace (lite set)", blazeFace, photo, output, cancellationToken);

        WriteFaces("Haar cascade (original)", new HaarFaceDetector(), photo, output, cancellationToken);

        output.WriteLine();
        output.WriteLine("2. Is there a voice? The original's RMS gate (0.015) against the lite set's voice-activity probe (Silero VAD)");
        var probed = recognizer.GetService(typeof(AudioPreprocessor)) as AudioPreprocessor ?? throw Missing("an audio front-end");
        var gateOnly = new AudioPreprocessor(probed.Options);
        foreach (string path in new[] { speechPath, noisePath })
        {
            AudioClip clip = AnalyzeCommand.ReadAudio(path);
            float[] buffer = new float[probed.MaxSamples];
            AudioPreprocessingResult gate = gateOnly.Preprocess(clip, buffer);
            AudioPreprocessingResult result = probed.Preprocess(clip, buffer);
            VoiceActivity? activity = result.VoiceActivity;
            string speech = activity is { } a
                ? string.Create(inv, $"speech {a.SpeechDuration.TotalSeconds:0.00} s, peak probability {a.MaxSpeechProbability:0.00}")
                : "not probed";
            output.WriteLine(string.Create(inv, $"   {Path.GetFileName(path),-24} rms {gate.Rms:0.000}: RMS gate says {StatusText.Name(gate.Status)}; with the probe: {StatusText.Name(result.Status)} ({speech})"));
        }

        output.WriteLine();
        output.WriteLine("3. Lighting probe on three frames: the photo, the photo in near darkness, and a flat grey frame (a covered camera)");
        using Image<Rgb24> dark = photo.Clone(c => c.Brightness(0.05f));
        using var grey = new Image<Rgb24>(photo.Width, photo.Height, new Rgb24(120, 120, 120));
        cancellationToken.ThrowIfCancellationRequested();
        var (video, _) = PreprocessFramesCommand.Analyse([(ImageAsset, photo), ("photo in near darkness", dark), ("flat grey frame", grey)], cropFolder: null);
        PreprocessFramesCommand.WriteTable(video, output);

        output.WriteLine();
        output.WriteLine($"4. Emotion: {ImageAsset} with {AudioAsset}, lite model set (face -> expression classifiers; voice -> availability)");
        output.WriteLine();
        EmotionPrediction prediction = await recognizer.RecognizeAsync(
            new EmotionInput { Audio = AnalyzeCommand.ReadAudio(speechPath), Frames = [new VideoFrame(photo)] }, cancellationToken: cancellationToken).ConfigureAwait(false);
        AnalyzeCommand.WriteText(prediction, recognizer, _ => ImageAsset, output);

        output.WriteLine();
        EmotionPrediction noisy = await recognizer.RecognizeAsync(
            new EmotionInput { Audio = AnalyzeCommand.ReadAudio(noisePath), Frames = [new VideoFrame(photo)] }, cancellationToken: cancellationToken).ConfigureAwait(false);
        output.WriteLine(string.Create(inv, $"   The same photo with {NoiseAsset} instead: {noisy.Label} ({noisy.Confidence:0.000}), {noisy.Mask}"));

        output.WriteLine();
        output.WriteLine("Try it on your own files: neurosync analyze --models models/lite --audio <in.wav> --frames <image-or-folder>");
        output.WriteLine($"The original architecture with random weights (pipeline check only): neurosync analyze --models {SampleModels.TinyFolder} ...");
        output.WriteLine("Provenance and licences of the lite models: models/lite/README.md");
        return ExitCodes.Success;
    }

    private static CliInputException Missing(string what) =>
        new($"Sample models '{SampleModels.LiteFolder}': expected {what} in its neurosync.json, found none.");

    private static void WriteFaces(string name, IFaceDetector detector, Image<Rgb24> photo, TextWriter output, CancellationToken cancellationToken)
    {
        detector.DetectFaces(photo, cancellationToken); // the first call pays one-time set-up; time the second
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<FaceBox> faces = detector.DetectFaces(photo, cancellationToken);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        string boxes = string.Join("; ", faces.Select(f => $"x {f.X}, y {f.Y}, width {f.Width}, height {f.Height}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {name,-24} {faces.Count} face(s) in {ms:0.0} ms{(faces.Count > 0 ? ": " : string.Empty)}{boxes}"));
    }
}
