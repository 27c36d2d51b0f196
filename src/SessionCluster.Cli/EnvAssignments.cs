namespace SessionCluster.Cli;

/// <summary>
/// The variables of <c>launch --env</c>: <c>KEY=VALUE</c> (the value may be empty and may hold '='), or <c>KEY</c>
/// alone, which takes the value from sessionctl's own environment so a secret never sits on the command line.
/// </summary>
public static class EnvAssignments
{
    /// <summary>Later assignments of the same key win, as in a shell.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> assignments, Func<string, string?> environment)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            var key = equals < 0 ? assignment : assignment[..equals];
            if (!IsName(key))
            {
                throw CliFailure.Usage(
                    $"--env key '{key}' is not a variable name (letters, digits and '_', not starting with a digit)");
            }

            env[key] = equals >= 0
                ? assignment[(equals + 1)..]
                : environment(key) ?? throw CliFailure.Usage(
                    $"--env {key}: {key} is not set in sessionctl's environment; export it first, or give --env {key}=<value>");
        }

        return env;
    }

    private static bool IsName(string key) =>
        key.Length > 0
        && !char.IsAsciiDigit(key[0])
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
