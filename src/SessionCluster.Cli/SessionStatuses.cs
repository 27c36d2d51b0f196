namespace SessionCluster.Cli;

/// <summary>The statuses the API reports (kebab-case wire names), and which of them end a session.</summary>
public static class SessionStatuses
{
    public const string Starting = "starting";
    public const string Running = "running";
    public const string WaitingForInput = "waiting-for-input";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Killed = "killed";
    public const string Interrupted = "interrupted";

    public static readonly IReadOnlyList<string> All =
        [Starting, Running, WaitingForInput, Completed, Failed, Killed, Interrupted];

    public static readonly IReadOnlySet<string> Terminal =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Completed, Failed, Killed, Interrupted };

    public static bool IsTerminal(string status) => Terminal.Contains(status);

    /// <summary>
    /// Reads statuses given as one or more comma-separated lists ("running,waiting-for-input"), in order,
    /// without duplicates. An unknown name is a usage error naming the known ones.
    /// </summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string> values, string optionName)
    {
        var statuses = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var known = All.FirstOrDefault(s => string.Equals(s, part, StringComparison.OrdinalIgnoreCase))
                    ?? throw CliFailure.Usage(
                        $"unknown status '{part}' in {optionName}; statuses are {string.Join(", ", All)}");
                if (!statuses.Contains(known))
                {
                    statuses.Add(known);
                }
            }
        }

        return statuses;
    }
}
