using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NeuroSync.Audio;
using NeuroSync.Cli.Output;

namespace NeuroSync.Cli.Commands;

/// <summary><c>neurosync preprocess-audio &lt;in.wav&gt; [--out &lt;out.wav&gt;] [--json]</c>: the signal the audio encoder hears.</summary>
internal static class PreprocessAudioCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where results go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output)
    {
        var input = new Argument<string>("in.wav") { Description = "A WAV file: PCM 8/16/24/32-bit or 32-bit float, any rate and channel count." };
        var outPath = new Option<string?>("--out", "-o")
        {
            Description = "Also write the 16 kHz mono signal (first 7 s, before normalisation) as a 32-bit float WAV file.",
            HelpName = "out.wav",
        };
        Option<bool> json = CommonOptions.Json();
        var command = new Command(
            "preprocess-audio",
            "Convert a WAV file to what the original's audio encoder hears (16 kHz mono, first 7 s) and apply its RMS silence gate.")
        {
            input,
            outPath,
            json,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(input), parse.GetValue(outPath), parse.GetValue(json), output));
        return command;
    }

    /// <summary>Reads, preprocesses and reports one clip.</summary>
    /// <param name="path">The WAV file.</param>
    /// <returns>The report and the clip's description for text output.</returns>
    internal static (AudioReport Report, AudioClip Clip) Analyse(string path)
    {
        string file = InputPaths.RequireFile(path, "Audio");
        try
        {
            AudioClip clip = AudioClip.ReadWav(file);
            var preprocessor = new AudioPreprocessor();
            float[] input = new float[preprocessor.MaxSamples];
            AudioPreprocessingResult result = preprocessor.Preprocess(clip, input);
            return (new AudioReport(preprocessor.TargetSampleRate, result.ValidSamples, result.Rms, result.IsSilent), clip);
        }
        catch (InvalidAudioException ex)
        {
            // The library's messages name the part of the file at fault; add which file.
            throw new InvalidAudioException($"'{Path.GetFileName(file)}': {ex.Message}", ex);
        }
    }

    private static int Run(string path, string? outPath, bool json, TextWriter output)
    {
        if (outPath is not null)
        {
            OutputPaths.RequireFilePath("--out", outPath);
        }

        var (report, clip) = Analyse(path);
        if (outPath is not null)
        {
            var preprocessor = new AudioPreprocessor();
            float[] signal = preprocessor.ResampleToMono(clip);
            OutputPaths.Write("--out", outPath, () => WavWriter.WriteMonoFloat(outPath, signal, preprocessor.TargetSampleRate));
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.AudioReport));
            return ExitCodes.Success;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}: {clip.SampleRate} Hz, {clip.Channels} channel(s), {clip.Duration.TotalSeconds:0.###} s"));
        output.WriteLine(Describe(report));
        if (outPath is not null)
        {
            output.WriteLine($"wrote {outPath} (32-bit float, {report.SampleRate} Hz mono)");
        }

        return ExitCodes.Success;
    }

    /// <summary>Describes a report on one line.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The line.</returns>
    internal static string Describe(AudioReport report) => string.Create(
        CultureInfo.InvariantCulture,
        $"encoder input: {report.Samples} samples at {report.SampleRate} Hz ({(double)report.Samples / report.SampleRate:0.###} s), rms {report.Rms:0.#####} (gate {new AudioPreprocessingOptions().SilenceRmsThreshold:0.###}) -> {StatusText.AudioVerdict(report.Silent)}");
}
