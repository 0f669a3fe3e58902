using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using NeuroSync.Cli.Output;
using NeuroSync.Cli.Scoring;
using NeuroSync.Evaluation;

namespace NeuroSync.Cli.Commands;

/// <summary>
/// <c>neurosync evaluate --models &lt;folder&gt; --data &lt;labels.csv&gt; [--kind faces|speech|clips] [--map a=b ...] [--drop x ...]
/// [--mode robust|original] [--json out.json] [--plot confusion.svg] [--parallel N]</c>: a model set on a labelled data set,
/// scored (accuracy, UAR, macro-F1 beside the majority and chance baselines, per-label scores, the confusion matrix).
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where progress and the rows that failed go.</param>
    /// <returns>The command.</returns>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var models = new Option<string>("--models", "-m")
        {
            Description = "The model folder (with neurosync.json), or a manifest file in one.",
            HelpName = "folder",
            Required = true,
        };
        var data = new Option<string>("--data", "-d")
        {
            Description = "The labelled data set: a CSV file whose header has a 'file' and a 'label' column (any order; other columns are ignored), "
                + "one row per item, paths relative to the CSV file.",
            HelpName = "labels.csv",
            Required = true,
        };
        var kind = new Option<string?>("--kind")
        {
            Description = "What each row names: 'faces' (an image, given as a still with no audio), 'speech' (a WAV file, no frames) or "
                + $"'clips' (a folder of frames in name order, with an optional {ItemRunner.ClipAudioFile}). Inferred from the first row when absent.",
            HelpName = "faces|speech|clips",
        };
        kind.AcceptOnlyFromAmong("faces", "speech", "clips");
        var map = new Option<string[]>("--map")
        {
            Description = "Rename a gold label before scoring, e.g. --map calm=neutral (repeatable). Every gold label must end up one of the model set's labels.",
            HelpName = "gold=label",
            AllowMultipleArgumentsPerToken = true,
        };
        var drop = new Option<string[]>("--drop")
        {
            Description = "Leave out the rows with this gold label, e.g. --drop boredom (repeatable).",
            HelpName = "label",
            AllowMultipleArgumentsPerToken = true,
        };
        Option<string> mode = CommonOptions.Mode();
        var json = new Option<string?>("--json")
        {
            Description = "Also write the whole report, with one row per item (file, gold, predicted and raw label, confidence, modality mask, error), as JSON to this file.",
            HelpName = "out.json",
        };
        var plot = new Option<string?>("--plot")
        {
            Description = "Also draw the confusion matrix (cells coloured by their share of the row, counts in the cells) as an SVG file.",
            HelpName = "confusion.svg",
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many items to run at once (one shared recognizer). Default: the number of cores. The results do not depend on it.",
            HelpName = "N",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var command = new Command(
            "evaluate",
            "Score a model set on a labelled data set: accuracy, unweighted average recall (UAR) and macro-F1, each beside the majority-class and "
            + "chance baselines, precision/recall/F1/support per label, and the confusion matrix. Items that cannot be read are named on stderr, "
            + "counted and not scored; Ctrl+C stops and prints the report over the items done.")
        {
            models,
            data,
            kind,
            map,
            drop,
            mode,
            json,
            plot,
            parallel,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new EvaluationSettings(
                parse.GetRequiredValue(models),
                parse.GetRequiredValue(data),
                parse.GetValue(kind),
                parse.GetValue(map) ?? [],
                parse.GetValue(drop) ?? [],
                parse.GetRequiredValue(mode),
                parse.GetValue(json),
                parse.GetValue(plot),
                parse.GetValue(parallel)),
            output,
            error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs an evaluation.</summary>
    /// <param name="settings">The command line.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where progress and the rows that failed go.</param>
    /// <param name="cancellationToken">Ctrl+C: stops the run, which then reports over the items done.</param>
    /// <param name="itemDone">Called as each item finishes (tests use it to cancel part-way).</param>
    /// <returns>The exit code: 0, or <see cref="ExitCodes.Cancelled"/> after a partial report, or <see cref="ExitCodes.InputError"/>
    /// when no item could be read.</returns>
    internal static async Task<int> RunAsync(
        EvaluationSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<ItemResult>? itemDone = null)
    {
        // System.CommandLine starts watching for Ctrl+C once the action returns its task; yield so that happens before the slow part.
        await Task.Yield();
        LabelMapping mapping = CheckSettings(settings);

        // The data set first: a typo in it should not wait for the models to load.
        InputPaths.RequireFile(settings.Data, "Data set");
        LabelledDataSet dataSet = LabelledDataSet.Read(settings.Data);
        ItemKind kind = settings.Kind is null ? InferKind(dataSet.Items) : Enum.Parse<ItemKind>(settings.Kind, ignoreCase: true);

        using EmotionRecognizer recognizer = CommonOptions.CreateRecognizer(settings.Models, settings.Mode);
        cancellationToken.ThrowIfCancellationRequested();
        LabelledDataSet items = Map(mapping, dataSet, recognizer.Labels, error);

        var progress = new ProgressDisplay(error, items.Items.Count, ProgressDisplay.IsTerminal(error));
        long start = Stopwatch.GetTimestamp();
        ItemResult?[] results = await new ItemRunner(recognizer, kind).RunAsync(
            items.Items,
            settings.Parallel,
            result =>
            {
                if (result.Error is not null)
                {
                    progress.WriteLine($"{CliApplication.Name}: failed: {dataSet.Name}, line {result.Item.Line} (file '{result.Item.File}'): {result.Error}");
                }

                progress.Advance(result.Error is not null);
                itemDone?.Invoke(result);
            },
            cancellationToken).ConfigureAwait(false);
        progress.Finish();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var modelSetName = (recognizer.GetService(typeof(EmotionRecognizerMetadata)) as EmotionRecognizerMetadata)?.ModelSetName ?? "?";
        EvaluationReport report = BuildReport(settings, modelSetName, kind, recognizer.Labels, dataSet.Items.Count - items.Items.Count, results, elapsed);
        EvaluationText.Write(report, output);
        if (settings.Json is { } jsonPath)
        {
            OutputPaths.Write("--json", jsonPath, () => WriteJson(jsonPath, report));
        }

        if (settings.Plot is { } plotPath)
        {
            OutputPaths.Write("--plot", plotPath, () => WritePlot(plotPath, report));
        }

        if (!report.Complete)
        {
            error.WriteLine($"{CliApplication.Name}: error: cancelled: the report covers the {report.Done} of {report.Items} items done.");
            return ExitCodes.Cancelled;
        }

        if (report.Scored == 0)
        {
            error.WriteLine($"{CliApplication.Name}: error: {settings.Data}: expected at least one readable item, found none of {report.Items}.");
            return ExitCodes.InputError;
        }

        return ExitCodes.Success;
    }

    /// <summary>Infers what a data set's rows name from the first row that tells: an existing folder, an image or a WAV
    /// file. A missing clip folder tells nothing (it has no extension), so it is counted missing like any other row.</summary>
    /// <param name="items">The rows.</param>
    /// <returns>The kind.</returns>
    /// <exception cref="CliUsageException">No row names any of them.</exception>
    internal static ItemKind InferKind(IReadOnlyList<LabelledItem> items)
    {
        foreach (LabelledItem item in items)
        {
            if (Directory.Exists(item.FullPath))
            {
                return ItemKind.Clips;
            }

            if (InputPaths.IsImage(item.FullPath))
            {
                return ItemKind.Faces;
            }

            if (string.Equals(Path.GetExtension(item.FullPath), ".wav", StringComparison.OrdinalIgnoreCase))
            {
                return ItemKind.Speech;
            }
        }

        throw new CliUsageException(
            $"--kind: expected faces, speech or clips, or a row naming an image, a .wav file or an existing folder, found none (the first row names '{items[0].File}').");
    }

    private static LabelMapping CheckSettings(EvaluationSettings settings)
    {
        if (settings.Models.Length == 0)
        {
            throw new CliUsageException("--models: expected a model folder, found an empty string.");
        }

        if (settings.Data.Length == 0)
        {
            throw new CliUsageException("--data: expected a labels.csv file, found an empty string.");
        }

        if (settings.Parallel < 1)
        {
            throw new CliUsageException($"--parallel: expected at least 1, found {settings.Parallel}.");
        }

        if (settings.Json is not null)
        {
            OutputPaths.RequireFilePath("--json", settings.Json);
        }

        if (settings.Plot is not null)
        {
            OutputPaths.RequireFilePath("--plot", settings.Plot);
            string extension = Path.GetExtension(settings.Plot);
            if (!string.Equals(extension, ".svg", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException(
                    $"--plot '{settings.Plot}': expected an .svg file (SVG is the format supported), found {(extension.Length == 0 ? "no extension" : $"'{extension}'")}.");
            }
        }

        try
        {
            return LabelMapping.Parse(settings.Map, settings.Drop);
        }
        catch (FormatException ex)
        {
            throw new CliUsageException($"--map: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            string message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new CliUsageException($"--map/--drop: {message}");
        }
    }

    private static LabelledDataSet Map(LabelMapping mapping, LabelledDataSet dataSet, IReadOnlyList<string> labels, TextWriter error)
    {
        // A rule that matches no row is almost always a typo (--drop bordeom); say so rather than score with the typo.
        var present = new HashSet<string>(dataSet.Items.Select(i => i.Label), StringComparer.OrdinalIgnoreCase);
        foreach (var (from, to) in mapping.Map.Where(m => !present.Contains(m.Key)))
        {
            error.WriteLine($"{CliApplication.Name}: warning: --map {from}={to}: no row of {dataSet.Name} has the label '{from}'.");
        }

        foreach (string label in mapping.Dropped.Where(d => !present.Contains(d)))
        {
            error.WriteLine($"{CliApplication.Name}: warning: --drop {label}: no row of {dataSet.Name} has that label.");
        }

        LabelledDataSet mapped;
        try
        {
            mapped = mapping.Apply(dataSet, labels);
        }
        catch (InvalidDataSetException ex)
        {
            throw new InvalidDataSetException($"{ex.Message} (--map <gold>=<label>, --drop <gold>)", ex);
        }

        if (mapped.Items.Count == 0)
        {
            throw new InvalidDataSetException($"{dataSet.Name}: expected at least one row after --drop, found none of {dataSet.Items.Count}.");
        }

        return mapped;
    }

    private static EvaluationReport BuildReport(
        EvaluationSettings settings, string modelSet, ItemKind kind, IReadOnlyList<string> labels, int dropped, ItemResult?[] results, double elapsed)
    {
        ItemResult[] done = [.. results.OfType<ItemResult>()];
        ItemResult[] scored = [.. done.Where(r => r.Prediction is not null)];
        string[] gold = [.. scored.Select(r => r.Item.Label)];
        var report = ClassificationReport.Compute(labels, gold, [.. scored.Select(r => r.Prediction!.Label)]);
        var raw = ClassificationReport.Compute(labels, gold, [.. scored.Select(r => r.Prediction!.RawLabel)]);
        EvaluationItemReport[] rows =
        [
            .. done.Select(r => new EvaluationItemReport(
                r.Item.File, r.Item.Line, r.Item.Label, r.Prediction?.Label, r.Prediction?.RawLabel, r.Prediction?.Confidence, r.Prediction?.Mask.ToString(), r.Error)),
        ];
        return new EvaluationReport(
            settings.Models,
            modelSet,
            settings.Data,
            JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()),
            settings.Mode.ToLowerInvariant(),
            Complete: done.Length == results.Length,
            Items: results.Length,
            Dropped: dropped,
            Done: done.Length,
            Scored: scored.Length,
            Failed: done.Length - scored.Length,
            Parallel: settings.Parallel,
            ElapsedSeconds: Math.Round(elapsed, 3),
            Labels: [.. labels],
            Scores: ScoresReport.From(report),
            Majority: new MajorityBaselineReport(report.MajorityLabel, report.MajorityBaseline.Accuracy, report.MajorityBaseline.UnweightedAverageRecall, report.MajorityBaseline.MacroF1),
            Chance: ScoresReport.From(report.ChanceBaseline),
            RawLabelScores: ScoresReport.From(raw),
            Classes: report.Classes,
            Confusion: ConfusionReport.From(report.Confusion),
            Rows: rows);
    }

    private static void WriteJson(string path, EvaluationReport report)
    {
        using FileStream stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        JsonSerializer.Serialize(writer, report, CliJsonContext.Default.EvaluationReport);
    }

    private static void WritePlot(string path, EvaluationReport report)
    {
        string title = $"{report.ModelSet}, mode {report.Mode}, {report.Kind}: {report.Data}{(report.Complete ? string.Empty : " (partial)")}";
        string subtitle = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"n = {report.Scored}: accuracy {report.Scores.Accuracy:0.000}, UAR {report.Scores.Uar:0.000}, macro-F1 {report.Scores.MacroF1:0.000} (majority {report.Majority.Accuracy:0.000} / {report.Majority.Uar:0.000} / {report.Majority.MacroF1:0.000}, chance {report.Chance.Accuracy:0.000} / {report.Chance.Uar:0.000} / {report.Chance.MacroF1:0.000})");
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        ConfusionMatrixSvg.Write(writer, report.Confusion, title, subtitle);
    }
}
