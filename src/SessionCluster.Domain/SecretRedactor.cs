namespace SessionCluster.Domain;

/// <summary>Hides secret values (API keys, tokens) in text that leaves the process: logs, tails, notifications.</summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    private static readonly string[] SecretNameParts = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"];

    private readonly string[] secrets;

    public SecretRedactor(IEnumerable<string> secretValues)
    {
        // Longest first, so a secret that contains another is masked whole. A secret with a quote, a backslash or a
        // control character is spelt escaped inside a JSON string (the agents' raw lines): that spelling is masked too.
        secrets = secretValues.Where(v => v.Length >= 4)
            .SelectMany(v => new[] { v, JsonSpelling(v) })
            .Distinct()
            .OrderByDescending(v => v.Length)
            .ToArray();
    }

    /// <summary>How <paramref name="value"/> is written inside a JSON string by the agents (JSON.stringify, serde_json).</summary>
    private static string JsonSpelling(string value)
    {
        var json = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                '\n' => json.Append("\\n"),
                '\r' => json.Append("\\r"),
                '\t' => json.Append("\\t"),
                '\b' => json.Append("\\b"),
                '\f' => json.Append("\\f"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        return json.ToString();
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
