// A Generic Host worker: AddNeuroSync() with no arguments (the model set the NeuroSync.Models.Lite package copied to the
// output), a BackgroundService that recognises the photo given as --image and prints one JSON line, then stops the host.
// Usage: NeuroSync.Consumer.Worker --image <photo>
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuroSync;
using NeuroSync.Vision;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // stdout carries the result line only
builder.Services.AddNeuroSync();
builder.Services.AddHostedService<RecognizePhoto>();
await builder.Build().RunAsync();
return Environment.ExitCode;

/// <summary>Recognises one photo, prints the prediction and stops the host.</summary>
internal sealed class RecognizePhoto(IEmotionRecognizer recognizer, IConfiguration configuration, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            string photo = configuration["image"] ?? throw new InvalidOperationException("usage: NeuroSync.Consumer.Worker --image <photo>");
            using var image = new FrameLoader().Load(photo);
            EmotionPrediction prediction = await recognizer.RecognizeAsync(new EmotionInput { Frames = [new VideoFrame(image)] }, cancellationToken: stoppingToken);
            Console.WriteLine(JsonSerializer.Serialize(new { way = "worker", label = prediction.Label, confidence = prediction.Confidence, mask = prediction.Mask.ToString() }));
        }
        catch (Exception ex) when (ex is NeuroSyncException or InvalidOperationException)
        {
            Console.Error.WriteLine(ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
