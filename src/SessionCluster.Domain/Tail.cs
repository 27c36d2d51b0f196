namespace SessionCluster.Domain;

public static class Tail
{
    /// <summary>The last <paramref name="chars"/> characters of a text, never splitting a surrogate pair.</summary>
    public static string Of(string? text, int chars)
    {
        if (chars <= 0)
        {
            return string.Empty;
        }

        if (string.IsNullOrEmpty(text) || text.Length <= chars)
        {
            return text ?? string.Empty;
        }

        var start = text.Length - chars;
        if (char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        return text[start..];
    }
}
