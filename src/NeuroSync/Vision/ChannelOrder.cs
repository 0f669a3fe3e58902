namespace NeuroSync.Vision;

/// <summary>The order of the colour planes in the visual encoder's input tensor.</summary>
public enum ChannelOrder
{
    /// <summary>Blue, green, red: what the original system fed its encoder (OpenCV's order); the default for parity.</summary>
    Bgr,

    /// <summary>Red, green, blue: what ImageNet-trained models usually expect.</summary>
    Rgb,
}
