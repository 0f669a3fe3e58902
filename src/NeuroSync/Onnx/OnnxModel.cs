using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace NeuroSync.Onnx;

/// <summary>The name, expected shape and element type of one tensor; -1 marks a dimension that varies between calls.</summary>
internal readonly record struct TensorSpec(string Name, IReadOnlyList<long> Shape, TensorElementType ElementType = TensorElementType.Float);

/// <summary>
/// One ONNX model file and the <see cref="InferenceSession"/> that runs it. Owns the session. At load it checks the
/// model's inputs and outputs against the manifest and fails with a <see cref="ModelMismatchException"/> naming the file,
/// the tensor, the expected and the found value.
/// </summary>
/// <remarks>Thread-safe: ONNX Runtime allows concurrent <c>Run</c> calls on one session.</remarks>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private int _disposed;

    public OnnxModel(string path, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, OnnxRuntimeOptions options)
        : this(path, sessionOptions => new InferenceSession(path, sessionOptions), inputs, outputs, options)
    {
    }

    /// <summary>Opens a model held in memory (one embedded in this assembly); <paramref name="name"/> stands for its path in messages.</summary>
    public OnnxModel(string name, byte[] model, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, OnnxRuntimeOptions options)
        : this(name, sessionOptions => new InferenceSession(model, sessionOptions), inputs, outputs, options)
    {
    }

    private OnnxModel(string path, Func<SessionOptions, InferenceSession> open, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, OnnxRuntimeOptions options)
    {
        Path = path;
        (_session, ExecutionProvider, ProviderFallbackReason) = CreateSession(path, open, options);
        try
        {
            Check(_session.InputMetadata, inputs, "input");
            Check(_session.OutputMetadata, outputs, "output");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Gets the model file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the session's inputs, for models whose interface is found by shape rather than named in a manifest.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    /// <summary>Gets the session's outputs, for models whose interface is found by shape rather than named in a manifest.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Gets the execution provider the session actually uses.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; }

    /// <summary>Gets why CUDA was requested but the CPU is used (ONNX Runtime's error), or <see langword="null"/>.</summary>
    public string? ProviderFallbackReason { get; }

    /// <summary>Checks the session's interface against one of several a caller accepts, once it has looked at <see cref="InputMetadata"/>.</summary>
    /// <exception cref="ModelMismatchException">An input or output is missing or has another type or shape.</exception>
    public void Require(IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        Check(_session.InputMetadata, inputs, "input");
        Check(_session.OutputMetadata, outputs, "output");
    }

    /// <summary>Runs the model; the caller disposes the outputs.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            return _session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new NeuroSyncException($"Model '{System.IO.Path.GetFileName(Path)}': inference failed ({ex.Message}).", ex);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    private static (InferenceSession Session, OnnxExecutionProvider Provider, string? FallbackReason) CreateSession(string path, Func<SessionOptions, InferenceSession> open, OnnxRuntimeOptions options)
    {
        try
        {
            string? fallbackReason = null;
            if (options.ExecutionProvider == OnnxExecutionProvider.Cuda)
            {
                try
                {
                    using var cuda = CreateSessionOptions(options, useCuda: true);
                    return (open(cuda), OnnxExecutionProvider.Cuda, null);
                }
                catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    if (!options.FallBackToCpu)
                    {
                        throw new NeuroSyncException(
                            $"Model '{System.IO.Path.GetFileName(path)}': expected the CUDA execution provider (OnnxRuntime:ExecutionProvider = Cuda, "
                            + "FallBackToCpu = false), found it cannot be loaded: " + ex.Message.TrimEnd('.') + ". It needs the application to reference "
                            + "'Microsoft.ML.OnnxRuntime.Gpu' instead of 'Microsoft.ML.OnnxRuntime', an NVIDIA driver, and the CUDA 12 and cuDNN 9 "
                            + "libraries on the library path; or set FallBackToCpu to true to run on the CPU when they are missing.",
                            ex);
                    }

                    // CUDA is optional hardware here: carry on without it; the recognizer logs the reason as a warning.
                    fallbackReason = ex.Message;
                }
            }

            using var cpu = CreateSessionOptions(options, useCuda: false);
            return (open(cpu), OnnxExecutionProvider.Cpu, fallbackReason);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new NeuroSyncException(
                "ONNX Runtime's native library could not be loaded: expected the application to reference the package "
                + "'Microsoft.ML.OnnxRuntime' (CPU) or 'Microsoft.ML.OnnxRuntime.Gpu' (CUDA), version 1.31 or later, found none that loads "
                + $"({ex.GetBaseException().Message}).",
                ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelMismatchException($"Model file '{path}': expected an ONNX model ONNX Runtime can load, found an error: {ex.Message}", ex);
        }
    }

    private static SessionOptions CreateSessionOptions(OnnxRuntimeOptions options, bool useCuda)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = options.InterOpNumThreads,
        };
        try
        {
            string spinning = options.AllowSpinning ? "1" : "0";
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
            sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", spinning);
            if (useCuda)
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            }

            options.ConfigureSessionOptions?.Invoke(sessionOptions);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private void Check(IReadOnlyDictionary<string, NodeMetadata> actual, IReadOnlyList<TensorSpec> expected, string kind)
    {
        string file = System.IO.Path.GetFileName(Path);
        foreach (TensorSpec spec in expected)
        {
            if (!actual.TryGetValue(spec.Name, out NodeMetadata? node))
            {
                throw new ModelMismatchException($"Model '{file}' {kind} '{spec.Name}': expected it (from the manifest), found {kind}s [{string.Join(", ", actual.Keys)}].");
            }

            if (!node.IsTensor || node.ElementDataType != spec.ElementType)
            {
                throw new ModelMismatchException($"Model '{file}' {kind} '{spec.Name}': expected a {spec.ElementType} tensor, found {node.OnnxValueType} of {node.ElementDataType}.");
            }

            int[] dims = node.Dimensions;
            bool matches = dims.Length == spec.Shape.Count;
            for (int i = 0; matches && i < dims.Length; i++)
            {
                // A dimension the manifest fixes may be symbolic in the model; one it says varies must vary in the model.
                matches = spec.Shape[i] == -1 ? dims[i] < 0 : dims[i] < 0 || dims[i] == spec.Shape[i];
            }

            if (!matches)
            {
                throw new ModelMismatchException($"Model '{file}' {kind} '{spec.Name}': expected shape {TensorShape.Format(spec.Shape)}, found {TensorShape.Format(dims.Select(d => (long)d))} (-1: varies).");
            }
        }
    }
}
