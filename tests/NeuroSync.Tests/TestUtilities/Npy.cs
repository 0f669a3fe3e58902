using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuroSync.Tests.TestUtilities;

/// <summary>Reads NumPy .npy files (format 1.0/2.0, little-endian float32 or uint8, C order) written by the tools/ generators.</summary>
internal static partial class Npy
{
    public static (float[] Data, int[] Shape) ReadFloat32(string path)
    {
        var (dtype, shape, payload) = Read(path);
        Assert.True(dtype == "<f4", $"{path}: expected dtype <f4, found {dtype}");
        var data = new float[payload.Length / 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(payload.AsSpan(i * 4));
        }

        return (data, shape);
    }

    public static (byte[] Data, int[] Shape) ReadUInt8(string path)
    {
        var (dtype, shape, payload) = Read(path);
        Assert.True(dtype == "|u1", $"{path}: expected dtype |u1, found {dtype}");
        return (payload, shape);
    }

    private static (string Dtype, int[] Shape, byte[] Payload) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10 && bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY", $"{path}: not an .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int headerStart = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        string dtype = DescrRegex().Match(header).Groups[1].Value;
        Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
        string shapeText = ShapeRegex().Match(header).Groups[1].Value;
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return (dtype, shape, bytes[(headerStart + headerLength)..]);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
