using Microsoft.Extensions.Logging;
using NeuroSync.Audio;
using NeuroSync.Onnx;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.Onnx;

/// <summary>
/// "GPU if available, else CPU". The test project references the CPU build of ONNX Runtime, which has no CUDA provider,
/// so CUDA is unavailable here on any machine: exactly the case a user without a GPU (or with the wrong package) meets.
/// </summary>
public sealed class ExecutionProviderTests
{
    private static readonly AudioClip Speech = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav"));

    [Fact]
    public async Task CudaRequested_Unavailable_FallsBackToCpuWithAWarning_AndGivesTheCpuResult()
    {
        using var logs = new TestLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using EmotionRecognizer cpu = EmotionRecognizer.Create(PipelineCases.TinyModels);
        using var fallback = new LoggingEmotionRecognizer(
            EmotionRecognizer.Create(PipelineCases.TinyModels, new OnnxRuntimeOptions { ExecutionProvider = OnnxExecutionProvider.Cuda }), loggerFactory.CreateLogger("NeuroSync"));

        EmotionPrediction expected = await cpu.RecognizeAsync(new EmotionInput { Audio = Speech });
        EmotionPrediction actual = await fallback.RecognizeAsync(new EmotionInput { Audio = Speech });

        Assert.Equal(expected.Scores, actual.Scores);
        (LogLevel level, string message) = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("CUDA", StringComparison.Ordinal));
        Assert.Contains("runs on the CPU", message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Message.Contains("loaded from", StringComparison.Ordinal) && e.Message.EndsWith("on Cpu.", StringComparison.Ordinal));
    }

    [Fact]
    public void CudaRequired_Unavailable_FailsAtLoadSayingWhatIsMissing()
    {
        var options = new OnnxRuntimeOptions { ExecutionProvider = OnnxExecutionProvider.Cuda, FallBackToCpu = false };

        NeuroSyncException ex = Assert.Throws<NeuroSyncException>(() => EmotionRecognizer.Create(PipelineCases.TinyModels, options));

        Assert.IsNotType<NeuroSync.ModelMismatchException>(ex);
        Assert.Contains("expected the CUDA execution provider", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.ML.OnnxRuntime.Gpu' instead of 'Microsoft.ML.OnnxRuntime'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FallBackToCpu", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuRequested_LogsNoFallback()
    {
        using var logs = new TestLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var recognizer = new LoggingEmotionRecognizer(EmotionRecognizer.Create(PipelineCases.TinyModels), loggerFactory.CreateLogger("NeuroSync"));

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }
}
