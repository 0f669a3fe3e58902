// A stand-alone application using the NeuroSync package as docs/getting-started.md shows: once without dependency
// injection, once with it. Usage: NeuroSync.Consumer <model-folder> <audio.wav> <frames-folder>
// or: NeuroSync.Consumer --packaged-set <image>, which recognises one photo with AddNeuroSync() and no arguments: the
// model set is the one the NeuroSync.Models.Lite package copied to the output (models/lite).
// The frames are the folder's *.png files in name order, as consecutive frames of one clip. It prints one JSON line per
// way, e.g. {"way":"direct","label":"angry","rawLabel":"angry","confidence":0.27,"scores":{"angry":0.27,...},"mask":"..."}.
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NeuroSync;
using NeuroSync.Audio;
using NeuroSync.Vision;

if (args is ["--packaged-set", string photo])
{
    var packaged = new ServiceCollection();
    packaged.AddNeuroSync();
    using ServiceProvider container = packaged.BuildServiceProvider();
    container.GetRequiredService<IStartupValidator>().Validate();
    using var image = new FrameLoader().Load(photo);
    Print("packaged-set", await container.GetRequiredService<IEmotionRecognizer>().RecognizeAsync(new EmotionInput { Frames = [new VideoFrame(image)] }));
    return 0;
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: NeuroSync.Consumer <model-folder> <audio.wav> <frames-folder> | --packaged-set <image>");
    return 2;
}

string modelPath = args[0];
var loader = new FrameLoader(); // decodes untrusted images safely
var images = Directory.GetFiles(args[2], "*.png").Order().Select(f => loader.Load(f)).ToList();
var input = new EmotionInput
{
    Audio = AudioClip.ReadWav(args[1]),                  // null: no audio
    Frames = [.. images.Select(i => new VideoFrame(i))], // every frame, in order (every 10th is used); null: no video
};

// Without dependency injection: the recognizer owns its models; load it once and share it (it is thread-safe).
using (EmotionRecognizer recognizer = EmotionRecognizer.Create(modelPath))
{
    Print("direct", await recognizer.RecognizeAsync(input));
}

// With dependency injection: a singleton IEmotionRecognizer; the options are validated when the host starts (here by hand).
var services = new ServiceCollection();
services.AddNeuroSync(o => o.ModelPath = modelPath);
using (ServiceProvider provider = services.BuildServiceProvider())
{
    provider.GetRequiredService<IStartupValidator>().Validate();
    IEmotionRecognizer recognizer = provider.GetRequiredService<IEmotionRecognizer>();
    Print("dependency-injection", await recognizer.RecognizeAsync(input));
}

images.ForEach(i => i.Dispose()); // the caller owns the images
return 0;

static void Print(string way, EmotionPrediction prediction) => Console.WriteLine(JsonSerializer.Serialize(new
{
    way,
    label = prediction.Label,
    rawLabel = prediction.RawLabel,
    confidence = prediction.Confidence,
    scores = prediction.Labels.Zip(prediction.Scores).ToDictionary(p => p.First, p => p.Second),
    mask = prediction.Mask.ToString(),
}));
