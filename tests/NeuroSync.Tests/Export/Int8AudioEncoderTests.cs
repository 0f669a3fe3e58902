using NeuroSync.Audio;
using Xunit.Abstractions;

namespace NeuroSync.Tests.Export;

/// <summary>
/// The int8 audio encoder (export_checkpoint.py --quantize int8) against the float32 one it was made from, on the
/// exported synthetic checkpoint: same label, probabilities close.
/// </summary>
public sealed class Int8AudioEncoderTests(ExportedModelsFixture models, ITestOutputHelper output) : IClassFixture<ExportedModelsFixture>
{
    private const int Clips = 50;

    /// <summary>Largest probability change int8 may cause (max abs over the 7 scores): about twice the 4.7e-3 measured on these clips.</summary>
    private const double MaxDrift = 1e-2;

    [Fact]
    public async Task RecognizeAsync_FiftySeededClips_Int8AgreesWithFloat32()
    {
        var random = new Random(7);
        double worst = 0;
        int agree = 0;
        var labels = new HashSet<string>();
        for (int i = 0; i < Clips; i++)
        {
            var input = new EmotionInput { Audio = VoiceLikeClip(random) };

            EmotionPrediction reference = await models.FullPrecision.RecognizeAsync(input);
            EmotionPrediction quantized = await models.Quantized.RecognizeAsync(input);

            worst = Math.Max(worst, reference.Scores.Zip(quantized.Scores, (a, b) => (double)Math.Abs(a - b)).Max());
            agree += reference.RawLabel == quantized.RawLabel ? 1 : 0;
            labels.Add(reference.RawLabel);
        }

        output.WriteLine($"int8 vs float32 over {Clips} clips: max probability drift {worst:E2}, top-1 agreement {agree}/{Clips} (float32 labels: {string.Join(", ", labels)})");
        Assert.Equal(Clips, agree);
        Assert.True(worst <= MaxDrift, $"max probability drift {worst:E2}, bound {MaxDrift:E0}");
    }

    /// <summary>0.5 to 7 s at 16 kHz of a random pitch's harmonics under a syllable envelope, plus noise; always above the silence gate.</summary>
    private static AudioClip VoiceLikeClip(Random random)
    {
        int length = random.Next(8_000, 112_001);
        double pitch = 90 + 220 * random.NextDouble();
        double syllables = 2 + 4 * random.NextDouble();
        double level = 0.05 + 0.4 * random.NextDouble();
        var samples = new float[length];
        for (int n = 0; n < length; n++)
        {
            double t = n / 16_000.0;
            double voice = 0;
            for (int k = 1; k <= 12; k++)
            {
                voice += Math.Pow(0.8, k) * Math.Sin(2 * Math.PI * pitch * k * t + k);
            }

            double envelope = 0.6 + 0.4 * Math.Sin(2 * Math.PI * syllables * t);
            samples[n] = (float)(level * (envelope * voice + 0.1 * (2 * random.NextDouble() - 1)));
        }

        return new AudioClip(samples, 16_000);
    }
}
