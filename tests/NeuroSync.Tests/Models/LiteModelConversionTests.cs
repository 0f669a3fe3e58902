using Microsoft.ML.OnnxRuntime;
using NeuroSync.Tests.TestUtilities;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Models;

/// <summary>
/// The committed ONNX conversions of the TF.js graphs (tools/lite/tfjs_to_onnx.py) and of face-api's FaceExpressionNet
/// (tools/lite/faceapi_expression_to_onnx.py) against the original networks' outputs,
/// computed by @tensorflow/tfjs on the same inputs (tools/lite/verify.sh wrote TestData/Lite/*_expected*.npy).
/// </summary>
public sealed class LiteModelConversionTests(ITestOutputHelper output)
{
    [Fact]
    public void EmotionClassifier_CommittedOnnx_MatchesTfjsOutputs()
    {
        var (pixels, shape) = Npy.ReadUInt8(TestFiles.Path("Lite", "emotion_inputs.npy"));
        // human's emotion.ts in float32: gray in [0, 1], then (x - 0.5) * 2.
        float[] input = [.. pixels.Select(p => ((p / 255f) - 0.5f) * 2f)];
        var (expected, _) = Npy.ReadFloat32(TestFiles.Path("Lite", "emotion_expected.npy"));

        float[] actual = Run("emotion_fer.onnx", "input_1", input, [shape[0], shape[1], shape[2], 1], ["Identity"])[0];

        AssertClose(expected, actual, "emotion");
    }

    [Fact]
    public void FaceExpressionNet_CommittedOnnx_MatchesFaceApiOutputs()
    {
        var (pixels, shape) = Npy.ReadUInt8(TestFiles.Path("Lite", "face_expression_inputs.npy"));
        // face-api's FaceExpressionNet normalises inside the graph: the input is RGB in 0..255, NHWC, N free.
        float[] input = [.. pixels.Select(p => (float)p)];
        var (expected, expectedShape) = Npy.ReadFloat32(TestFiles.Path("Lite", "face_expression_expected.npy"));
        Assert.Equal([shape[0], 7], expectedShape);

        using (var session = new InferenceSession(LiteModels.File("face_expression.onnx")))
        {
            var inputMeta = Assert.Single(session.InputMetadata);
            var outputMeta = Assert.Single(session.OutputMetadata);
            Assert.Equal("input", inputMeta.Key);
            Assert.Equal([-1, 112, 112, 3], inputMeta.Value.Dimensions);
            Assert.Equal("probabilities", outputMeta.Key);
            Assert.Equal([-1, 7], outputMeta.Value.Dimensions);
        }

        float[] actual = Run("face_expression.onnx", "input", input, [shape[0], shape[1], shape[2], shape[3]], ["probabilities"])[0];

        AssertClose(expected, actual, "face_expression");
    }

    [Fact]
    public void BlazeFace_CommittedOnnx_MatchesTfjsOutputs()
    {
        var (pixels, shape) = Npy.ReadUInt8(TestFiles.Path("Lite", "blazeface_input.npy"));
        // human's blazeface.ts: x / 127.5 - 1.
        float[] input = [.. pixels.Select(p => (p / 127.5f) - 1f)];
        string[] names = ["Identity", "Identity_1", "Identity_2", "Identity_3"];

        float[][] actual = Run("blazeface.onnx", "input", input, [1, shape[0], shape[1], shape[2]], names);

        // Raw logits reach |589| and box offsets |131| after 36 layers, where float32 summation order alone moves the last
        // digits: the raw outputs are compared relative to their size, the scores the detector uses in absolute terms.
        for (int i = 0; i < names.Length; i++)
        {
            var (expected, _) = Npy.ReadFloat32(TestFiles.Path("Lite", $"blazeface_expected_{names[i]}.npy"));
            float scale = expected.Max(MathF.Abs), max = expected.Zip(actual[i], (e, a) => MathF.Abs(e - a)).Max();
            float relative = max / scale;
            output.WriteLine($"blazeface {names[i]}: {expected.Length} values, max |expected| {scale:F1}, max abs diff {max:E2}, relative to max |expected| {relative:E2}");
            Assert.True(relative < Tolerances.ConvertedModelRelative, $"blazeface {names[i]}: relative diff {relative}");
            if (names[i] is "Identity" or "Identity_1")
            {
                AssertClose([.. expected.Select(Sigmoid)], [.. actual[i].Select(Sigmoid)], $"blazeface {names[i]} scores (sigmoid)");
            }
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static float[][] Run(string model, string inputName, float[] input, long[] shape, string[] outputs)
    {
        using var session = new InferenceSession(LiteModels.File(model));
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = session.Run(new RunOptions(), [inputName], [value], outputs);
        return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
    }

    private void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        output.WriteLine($"{what}: {expected.Length} values, max abs diff ONNX vs TF.js {max:E2}");
        Assert.True(max < Tolerances.ConvertedModel, $"{what}: max abs diff {max} (tolerance {Tolerances.ConvertedModel})");
    }
}
