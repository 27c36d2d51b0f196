using System.CommandLine;

namespace SessionCluster.Cli.Commands;

/// <summary><c>--type</c> of the event log verbs: event types, comma-separated, repeatable.</summary>
internal static class EventTypeOption
{
    public static Option<string[]> Create(string description) => new("--type", "-t")
    {
        Description = description,
        HelpName = "t1,t2",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The types given, each once, in the order given; the node refuses one outside its vocabulary.</summary>
    public static List<string> Values(ParseResult parse, Option<string[]> option) =>
        (parse.GetValue(option) ?? [])
            .SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
