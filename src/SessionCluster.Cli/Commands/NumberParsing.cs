using System.CommandLine.Parsing;
using System.Globalization;

namespace SessionCluster.Cli.Commands;

/// <summary>Parsers for numeric options that fail with a short message instead of a .NET type name.</summary>
internal static class NumberParsing
{
    public static Func<ArgumentResult, int?> WholeNumber(string option, int min) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }

        result.AddError($"{option} expects a whole number of at least {min}, got '{text}'");
        return null;
    };

    public static Func<ArgumentResult, double?> Number(string option, double min) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= min)
        {
            return value;
        }

        result.AddError($"{option} expects a number of at least {min.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        return null;
    };
}
