using System.CommandLine;

namespace NeuroSync.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>Creates the <c>--json</c> switch.</summary>
    /// <returns>A new option (an option instance belongs to one command).</returns>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document (camelCase) instead of text." };
}
