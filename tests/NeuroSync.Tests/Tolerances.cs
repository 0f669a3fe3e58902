namespace NeuroSync.Tests;

/// <summary>Every tolerance a test states, in one place.</summary>
internal static class Tolerances
{
    /// <summary>Audio tensors against the NumPy reference (max abs).</summary>
    public const float AudioTensor = 1e-4f;

    /// <summary>Preprocessed audio (mono, resample, normalise) against the NumPy reference or a naive twin (max abs).</summary>
    public const float AudioPreprocessing = 1e-5f;

    /// <summary>Decoded WAV samples against the stored values: bit-exact (integer to float with a power-of-two scale is exact).</summary>
    public const float WavDecode = 0f;

    /// <summary>Relative error of statistics (RMS, mean, variance) accumulated in double against a naive double loop or the reference.</summary>
    public const double AudioStatisticRelative = 1e-6;

    /// <summary>Level change of an in-band tone through the resampler, in dB.</summary>
    public const double ResamplerPassbandDb = 0.1;

    /// <summary>Minimum suppression of content above the target Nyquist frequency by the resampler, in dB below the input level.</summary>
    public const double ResamplerStopbandDb = 60;

    /// <summary>Time alignment of the resampler output: lag of the cross-correlation peak, in output samples.</summary>
    public const int ResamplerAlignmentSamples = 1;

    /// <summary>Face boxes against OpenCV's detectMultiScale.</summary>
    public const double FaceBoxIoU = 0.8;

    /// <summary>Face crops against OpenCV's resize, per 8-bit pixel value before normalisation (2/255).</summary>
    public const int CropPixelLevels = 2;

    /// <summary>A converted ONNX model against the original TF.js graph on the same inputs (max abs).</summary>
    public const float ConvertedModel = 1e-4f;

    /// <summary>Deep converted outputs with large raw values (BlazeFace logits up to |589|): max |diff| / max |expected| per output.</summary>
    public const float ConvertedModelRelative = 1e-5f;

    /// <summary>Predicted probabilities against a reference computed outside the SDK (max abs).</summary>
    public const double Probability = 1e-4;

    /// <summary>A BlazeFace box against the Haar box of the same face: different detectors, different box conventions.</summary>
    public const double DetectorAgreementIoU = 0.5;

    /// <summary>A stream window's scores against a clip call on the same samples and frames: the same model, with frames
    /// encoded one at a time instead of in one batch (issue 17 asks 1e-5).</summary>
    public const float StreamWindow = 1e-5f;
}
