namespace NeuroSync;

/// <summary>Facts about a recognizer: its model set and where its models run. Ask for it with
/// <c>recognizer.GetService(typeof(EmotionRecognizerMetadata))</c>; decorators pass the question to the recognizer they wrap.</summary>
/// <param name="ModelSetName">The model set's name (the manifest's <c>name</c>), used as a telemetry tag.</param>
/// <param name="Description">The model set's description (the manifest's <c>description</c>), if it has one.</param>
/// <param name="ModelDirectory">The folder the models were loaded from; <see langword="null"/> for a recognizer built from parts.</param>
/// <param name="Mode">The recognition mode.</param>
/// <param name="Labels">The labels of the predictions, in score order.</param>
/// <param name="AudioSampleRate">The sample rate, in hertz, the audio front-end resamples to.</param>
/// <param name="FrameStride">Which frames the video front-end uses: every <c>FrameStride</c>-th (1: every frame).</param>
/// <param name="ExecutionProvider">Where the ONNX models run (<see cref="Onnx.OnnxExecutionProvider"/> names: <c>Cpu</c> or
/// <c>Cuda</c>, comma-separated when they differ), or <c>custom</c> when no part is an ONNX model of NeuroSync's.</param>
/// <param name="ProviderFallbackReason">Why CUDA was requested but the CPU is used; <see langword="null"/> when the requested
/// provider is the one in use.</param>
public sealed record EmotionRecognizerMetadata(
    string ModelSetName,
    string? Description,
    string? ModelDirectory,
    RecognitionMode Mode,
    EmotionLabelSet Labels,
    int AudioSampleRate,
    int FrameStride,
    string ExecutionProvider,
    string? ProviderFallbackReason);
