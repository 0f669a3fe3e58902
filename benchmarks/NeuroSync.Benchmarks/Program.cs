using BenchmarkDotNet.Running;
using NeuroSync.Benchmarks;

// dotnet run -c Release --project benchmarks/NeuroSync.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
