namespace SessionCluster.Domain;

/// <summary>Hides secret values (API keys, tokens) in text that leaves the process: logs, tails, notifications.</summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    private static readonly string[] SecretNameParts = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"];

    private readonly string[] secrets;

    public SecretRedactor(IEnumerable<string> secretValues)
    {
        // Longest first, so a secret that contains another is masked whole.
        secrets = secretValues.Where(v => v.Length >= 4).Distinct().OrderByDescending(v => v.Length).ToArray();
    }

    public static readonly SecretRedactor None = new([]);

    /// <summary>A redactor for the values of every variable whose name says it holds a secret.</summary>
    public static SecretRedactor ForEnvironment(IEnumerable<KeyValuePair<string, string>> variables) =>
        None.Including(variables);

    /// <summary>This redactor plus the secret-named variables among <paramref name="variables"/>.</summary>
    public SecretRedactor Including(IEnumerable<KeyValuePair<string, string>> variables) =>
        new(secrets.Concat(variables.Where(v => IsSecretName(v.Key)).Select(v => v.Value)));

    public static bool IsSecretName(string name)
    {
        // GIT_AUTHOR_NAME and friends hold no secret, though they contain "AUTH".
        var withoutAuthor = AuthorWord.Replace(name, string.Empty);
        return SecretNameParts.Any(part => withoutAuthor.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly System.Text.RegularExpressions.Regex AuthorWord =
        new("AUTHOR(?=_|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Compiled);

    public string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
