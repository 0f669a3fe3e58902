using System.CommandLine;

namespace NeuroSync.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>Creates the <c>--json</c> switch.</summary>
    /// <returns>A new option (an option instance belongs to one command).</returns>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document (camelCase) instead of text." };

    /// <summary>Creates the <c>--mode</c> option (<c>robust</c>, the default, or <c>original</c>).</summary>
    /// <returns>A new option (an option instance belongs to one command).</returns>
    public static Option<string> Mode()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "How modalities are trusted: 'robust' (the default: a voice-activity check decides whether there is a voice, "
                + "unusable modalities are left out of fusion, a clip with no usable evidence is 'unknown') or 'original' (the original system bit for bit).",
            HelpName = "robust|original",
            DefaultValueFactory = _ => "robust",
        };
        mode.AcceptOnlyFromAmong("robust", "original");
        return mode;
    }

    /// <summary>Loads a model set into a recognizer in a recognition mode.</summary>
    /// <param name="models">The model folder or manifest.</param>
    /// <param name="mode">The value of <see cref="Mode"/>.</param>
    /// <returns>The recognizer, to dispose.</returns>
    public static EmotionRecognizer CreateRecognizer(string models, string mode)
    {
        RecognitionMode parsed = Enum.Parse<RecognitionMode>(mode, ignoreCase: true);
        return EmotionRecognizer.Create(models, configure: o => o.Mode = parsed);
    }
}
