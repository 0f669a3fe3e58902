namespace NeuroSync;

/// <summary>Whether the audio path and the video path of one prediction run one after the other or at the same time.</summary>
public enum ModalityScheduling
{
    /// <summary>At the same time when an encoder runs on a GPU (<see cref="IAudioEncoder.RunsOnAccelerator"/>,
    /// <see cref="IVisualEncoder.RunsOnAccelerator"/>), so the CPU's face search overlaps the GPU's work; one after the other
    /// when everything runs on the CPU. The default.</summary>
    Automatic,

    /// <summary>The audio path, then the video path. Best when each path already uses every core (ONNX Runtime's threads and
    /// the face detector's parallel search, the defaults): overlapping them then only makes them compete for the cores.</summary>
    Sequential,

    /// <summary>Both paths at the same time: best when they run on different hardware, or when the encoders are limited to
    /// fewer threads than the machine has cores (<see cref="Onnx.OnnxRuntimeOptions.IntraOpNumThreads"/>).</summary>
    Overlapped,
}
