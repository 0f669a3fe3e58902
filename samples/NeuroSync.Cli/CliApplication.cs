using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.Json;
using NeuroSync.Cli.Commands;

namespace NeuroSync.Cli;

/// <summary>Builds the <c>neurosync</c> command tree and runs it, turning every expected failure into one line on stderr.</summary>
internal static class CliApplication
{
    /// <summary>The name the command reports itself by in errors.</summary>
    public const string Name = "neurosync";

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Where results and help go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        Command root = CreateRootCommand(output, error);
        if (args.Length == 0)
        {
            args = ["--help"];
        }

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Prefer the error about an unexpected word (a typo) over its consequences, such as "Required command was not provided".
            ParseError first = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                ?? parse.Errors[0];
            string help = parse.CommandResult.Command == root ? $"{Name} --help" : $"{Name} {parse.CommandResult.Command.Name} --help";
            return Fail(error, ExitCodes.UsageError, $"{first.Message.TrimEnd('.')}. See '{help}'.");
        }

        try
        {
            // ProcessTerminationTimeout must be set explicitly: a new InvocationConfiguration leaves it null, and then Ctrl+C
            // (SIGINT) and SIGTERM kill the process instead of cancelling the token the async commands (analyze, demo) receive.
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = output,
                Error = error,
                ProcessTerminationTimeout = TimeSpan.FromSeconds(2),
            });
        }
        catch (Exception ex) when (ex is NeuroSync.Audio.InvalidAudioException or NeuroSync.Vision.InvalidImageException or NeuroSync.Evaluation.InvalidDataSetException)
        {
            return Fail(error, ExitCodes.InputError, ex.Message);
        }
        catch (NeuroSyncException ex)
        {
            // Everything else the library reports is about the model set: its files, its manifest, or running it.
            return Fail(error, ExitCodes.ModelError, ex.Message);
        }
        catch (CliUsageException ex)
        {
            return Fail(error, ExitCodes.UsageError, ex.Message);
        }
        catch (CliInputException ex)
        {
            return Fail(error, ExitCodes.InputError, ex.Message);
        }
        catch (FileNotFoundException ex)
        {
            return Fail(error, ExitCodes.InputError, $"'{ex.FileName}': expected an existing file, found nothing at that path.");
        }
        catch (DirectoryNotFoundException ex)
        {
            return Fail(error, ExitCodes.InputError, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or JsonException)
        {
            return Fail(error, ExitCodes.InputError, ex.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(error, ExitCodes.Cancelled, "cancelled.");
        }
    }

    private static Command CreateRootCommand(TextWriter output, TextWriter error)
    {
        // A plain Command rather than RootCommand, whose name would be the assembly's (NeuroSync.Cli) rather than the command's.
        var root = new Command(
            Name,
            "NeuroSync: multimodal (voice + face) emotion recognition. Recognises the emotion in a clip with a model set (analyze), scores a model set on a labelled data set (evaluate), "
            + "or runs the original system's audio and video front-ends (RMS gate; Haar detector, 224x224 crops) on files and prints what its encoders would receive.")
        {
            new HelpOption(),
            new VersionOption(),
            DetectFacesCommand.Create(output),
            PreprocessAudioCommand.Create(output),
            PreprocessFramesCommand.Create(output),
            AnalyzeCommand.Create(output, error),
            EvaluateCommand.Create(output, error),
            DemoCommand.Create(output),
        };
        return root;
    }

    private static int Fail(TextWriter error, int exitCode, string message)
    {
        // One line, whatever the message holds, so scripts can grep it.
        error.WriteLine($"{Name}: error: {message.ReplaceLineEndings(" ").Trim()}");
        return exitCode;
    }
}
