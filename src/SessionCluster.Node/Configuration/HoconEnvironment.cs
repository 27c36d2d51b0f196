using System.Text.Json;
using System.Text.RegularExpressions;

namespace SessionCluster.Node.Configuration;

/// <summary>
/// HOCON's environment fallback for substitutions (<c>secret = ${?OPS_HOOK_SECRET}</c>), which Akka's parser does not
/// do: a <c>${NAME}</c> or <c>${?NAME}</c> whose name is one word (no dots: not a config path) and a set environment
/// variable becomes that value, quoted. An unset optional one is left to the parser, which reads it as empty (a
/// webhook without a secret).
/// </summary>
public static partial class HoconEnvironment
{
    [GeneratedRegex(@"\$\{\??([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Substitution();

    private static readonly JsonSerializerOptions Quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Substitute(string hocon, Func<string, string?> variable) =>
        Substitution().Replace(hocon, match => variable(match.Groups[1].Value) is { } value
            ? JsonSerializer.Serialize(value, Quoting)
            : match.Value);
}
