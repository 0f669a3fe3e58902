using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using NeuroSync.Benchmarks;

// dotnet run -c Release --project benchmarks/NeuroSync.Benchmarks -- --filter '*' [--job short | --job compare]
// NEUROSYNC_MODELS=<model folder> picks the model set of the Onnx/ and EndToEnd/ benchmarks (default models/tiny).
BenchmarkModels.PinForChildProcesses();
(string[] arguments, IConfig config) = BenchmarkConfig.FromCommandLine(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments, config);
