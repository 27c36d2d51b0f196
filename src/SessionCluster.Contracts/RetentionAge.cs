using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionCluster.Contracts;

/// <summary>An age as people write it for retention: a whole number and one unit, s, m, h or d ("7d", "12h", "0s").</summary>
public static partial class RetentionAge
{
    public const string Accepted = "a whole number and a unit: s, m, h or d (for example 7d, 12h, 30m, 0s)";

    public static TimeSpan? Parse(string text)
    {
        var match = Age().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    /// <summary>The largest unit that writes <paramref name="age"/> whole: what <see cref="Parse"/> reads back.</summary>
    public static string Format(TimeSpan age) =>
        age.TotalDays >= 1 && age.TotalDays % 1 == 0 ? $"{(long)age.TotalDays}d"
        : age.TotalHours >= 1 && age.TotalHours % 1 == 0 ? $"{(long)age.TotalHours}h"
        : age.TotalMinutes >= 1 && age.TotalMinutes % 1 == 0 ? $"{(long)age.TotalMinutes}m"
        : $"{(long)age.TotalSeconds}s";

    [GeneratedRegex("^([0-9]{1,6})([smhd])$")]
    private static partial Regex Age();
}
