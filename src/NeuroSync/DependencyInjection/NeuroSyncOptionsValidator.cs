using Microsoft.Extensions.Options;
using NeuroSync.Composition;
using NeuroSync.Onnx;

namespace NeuroSync.DependencyInjection;

/// <summary>Checks <see cref="NeuroSyncOptions"/> at start-up, including that the model folder's manifest is valid and
/// names files that exist, so a host with a wrong setting fails before serving anything; the ONNX files themselves are
/// opened (and a corrupt one reported) when the recognizer is first resolved. Messages name the setting by its
/// configuration key.</summary>
internal sealed class NeuroSyncOptionsValidator : IValidateOptions<NeuroSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, NeuroSyncOptions options)
    {
        var failures = new List<string>();
        const string Prefix = NeuroSyncOptions.SectionName;
        try
        {
            ModelSetLoader.Load(ModelSetLocation.Resolve(options, AppContext.BaseDirectory));
        }
        catch (ModelMismatchException ex)
        {
            // The location's own messages name their key; the loader's are about the folder ModelPath (or the set) gave.
            failures.Add(ex.Message.StartsWith(Prefix, StringComparison.Ordinal) ? ex.Message : $"{Prefix}:{(string.IsNullOrWhiteSpace(options.ModelPath) ? "ModelSet" : "ModelPath")}: {ex.Message}");
        }

        // Configuration binding never sets these to null; code can (o.Audio = null!), and the recognizer needs them.
        foreach ((string key, object? value) in (ReadOnlySpan<(string, object?)>)[("Audio", options.Audio), ("Video", options.Video), ("OnnxRuntime", options.OnnxRuntime)])
        {
            if (value is null)
            {
                failures.Add($"{Prefix}:{key}: expected the settings object (leave it as created to keep the model set's values), found null.");
            }
        }

        if (options.ModalityScheduling is { } scheduling && !Enum.IsDefined(scheduling))
        {
            failures.Add($"{Prefix}:ModalityScheduling: expected one of [{string.Join(", ", Enum.GetNames<ModalityScheduling>())}], found {(int)scheduling}.");
        }

        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{Prefix}:Mode: expected one of [{string.Join(", ", Enum.GetNames<RecognitionMode>())}], found {(int)mode}.");
        }

        OnnxRuntimeOptions ort = options.OnnxRuntime ?? new OnnxRuntimeOptions();
        if (!Enum.IsDefined(ort.ExecutionProvider))
        {
            failures.Add($"{Prefix}:OnnxRuntime:ExecutionProvider: expected one of [{string.Join(", ", Enum.GetNames<OnnxExecutionProvider>())}], found {(int)ort.ExecutionProvider}.");
        }

        if (ort.IntraOpNumThreads < 0 || ort.InterOpNumThreads < 0)
        {
            failures.Add($"{Prefix}:OnnxRuntime:IntraOpNumThreads/InterOpNumThreads: expected 0 (automatic) or more, found {ort.IntraOpNumThreads} and {ort.InterOpNumThreads}.");
        }

        if (!Enum.IsDefined(ort.GraphOptimizationLevel))
        {
            failures.Add($"{Prefix}:OnnxRuntime:GraphOptimizationLevel: expected one of [{string.Join(", ", Enum.GetNames<Microsoft.ML.OnnxRuntime.GraphOptimizationLevel>())}], found {(int)ort.GraphOptimizationLevel}.");
        }

        if (ort.CudaDeviceId < 0)
        {
            failures.Add($"{Prefix}:OnnxRuntime:CudaDeviceId: expected 0 or more, found {ort.CudaDeviceId}.");
        }

        if (options.Audio?.SilenceRmsThreshold is { } threshold && !(threshold >= 0 && threshold <= 1))
        {
            failures.Add($"{Prefix}:Audio:SilenceRmsThreshold: expected 0 to 1 (RMS of samples in [-1, 1]), found {threshold}.");
        }

        NeuroSyncVideoOptions video = options.Video ?? new NeuroSyncVideoOptions();
        if (video.FrameStride is < 1)
        {
            failures.Add($"{Prefix}:Video:FrameStride: expected 1 or more, found {video.FrameStride}.");
        }

        if (video.TooDarkMeanLuma is { } dark && !(dark >= 0 && dark <= 255))
        {
            failures.Add($"{Prefix}:Video:TooDarkMeanLuma: expected 0 to 255, found {dark}.");
        }

        if (video.CoveredLumaStdDev is { } flat && !(flat >= 0 && flat <= 255))
        {
            failures.Add($"{Prefix}:Video:CoveredLumaStdDev: expected 0 to 255, found {flat}.");
        }

        if (video.ChannelOrder is { } order && !Enum.IsDefined(order))
        {
            failures.Add($"{Prefix}:Video:ChannelOrder: expected Bgr or Rgb, found {(int)order}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
