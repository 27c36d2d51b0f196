namespace SessionCluster.Cli;

/// <summary>What one run of sessionctl reads from and writes to: the process's console and environment, or a test's.</summary>
public sealed record CliContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    /// <summary>Standard input, opened only when asked for (--prompt-file -).</summary>
    public required Func<TextReader> In { get; init; }
    public required Func<string, string?> Environment { get; init; }
    public required string CurrentDirectory { get; init; }

    /// <summary>True when <see cref="Out"/> is the process's own console, which may be a terminal.</summary>
    public bool OutIsConsole { get; init; }

    public static CliContext FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = static () => Console.In,
        Environment = System.Environment.GetEnvironmentVariable,
        CurrentDirectory = System.Environment.CurrentDirectory,
        OutIsConsole = true,
    };
}
