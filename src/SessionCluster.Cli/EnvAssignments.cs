namespace SessionCluster.Cli;

/// <summary>The KEY=VALUE pairs of <c>launch --env</c>: the key is a shell-style name, the value is anything (may be empty, may hold '=').</summary>
public static class EnvAssignments
{
    /// <summary>Later assignments of the same key win, as in a shell.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> assignments)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            if (equals < 0)
            {
                throw CliFailure.Usage($"--env expects KEY=VALUE, got '{assignment}'");
            }

            var key = assignment[..equals];
            if (!IsName(key))
            {
                throw CliFailure.Usage(
                    $"--env key '{key}' is not a variable name (letters, digits and '_', not starting with a digit)");
            }

            env[key] = assignment[(equals + 1)..];
        }

        return env;
    }

    private static bool IsName(string key) =>
        key.Length > 0
        && !char.IsAsciiDigit(key[0])
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
