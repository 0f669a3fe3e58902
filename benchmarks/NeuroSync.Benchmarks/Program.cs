using BenchmarkDotNet.Running;
using NeuroSync.Benchmarks;

// dotnet run -c Release --project benchmarks/NeuroSync.Benchmarks -- --filter '*' [--job short]
// NEUROSYNC_MODELS=<model folder> picks the model set of the Onnx/ and EndToEnd/ benchmarks (default models/tiny).
BenchmarkModels.PinForChildProcesses();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
