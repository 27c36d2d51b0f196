using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// A value-by-value text form of a domain object, for equality checks. Records holding an
/// ImmutableSortedDictionary or ImmutableList compare those by reference, so record equality is no use
/// after a round trip. Every public instance property is listed, recursively; dictionaries in ordinal
/// key order (the content counts, not the comparer); a DateTimeOffset as its instant in ticks plus its
/// offset; a decimal with its scale ("1.50" is not "1.5").
/// </summary>
public static class Canonical
{
    public static string Of(object? value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                return;
            case DateTimeOffset at:
                text.Append(CultureInfo.InvariantCulture, $"{at.UtcTicks}t{(at.Offset < TimeSpan.Zero ? "-" : "+")}{at.Offset:hh\\:mm}");
                return;
            case decimal d:
                text.Append(d.ToString(CultureInfo.InvariantCulture)).Append('m');
                return;
            case bool or int or long or Enum:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case IDictionary dictionary:
                text.Append('{');
                foreach (var key in dictionary.Keys.Cast<object>().OrderBy(k => Of(k), StringComparer.Ordinal))
                {
                    Write(text, key);
                    text.Append(": ");
                    Write(text, dictionary[key]);
                    text.Append(", ");
                }

                text.Append('}');
                return;
            case IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    Write(text, item);
                    text.Append(", ");
                }

                text.Append(']');
                return;
        }

        var type = value.GetType();
        text.Append(type.Name).Append(" { ");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0)
                     .OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(property.Name).Append(" = ");
            Write(text, property.GetValue(value));
            text.Append("; ");
        }

        text.Append('}');
    }
}
