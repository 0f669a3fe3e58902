using Microsoft.Extensions.Hosting;
using NeuroSync.Worker;

// Usage: NeuroSync.Worker --input <folder> [--poll 00:00:02] [--patterns "*.mp4;*.webm;*.mkv"] [--hop 1] [--window 2]
//        [--mode robust|original] [--fps 5] [--models <model folder>]   (samples/README.md, "Worker")
using IHost host = WorkerHost.CreateBuilder(args).Build();
await host.RunAsync();
