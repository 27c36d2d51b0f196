using System.Text;

namespace SessionCluster.Node.Http;

/// <summary>Small text checks and echoes for request fields.</summary>
public static class FieldText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 bytes of <paramref name="text"/>, or null when it holds a lone surrogate (not Unicode text).</summary>
    public static int? Utf8Bytes(string text)
    {
        try
        {
            return StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    public static bool HasControl(string text) => text.Any(char.IsControl);

    /// <summary>A client's text quoted for a message: at most <paramref name="max"/> characters, so a huge value is not echoed back whole.
    /// Lone surrogates become U+FFFD, so the answer is always valid JSON text.</summary>
    public static string Quote(string text, int max = 64)
    {
        var shown = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(Cut(text, max)));
        return text.Length <= max ? $"'{shown}'" : $"'{shown}...' ({text.Length} characters)";
    }

    /// <summary>At most <paramref name="chars"/> characters, never half a surrogate pair.</summary>
    public static string Cut(string text, int chars)
    {
        if (text.Length <= chars)
        {
            return text;
        }

        return char.IsHighSurrogate(text[chars - 1]) ? text[..(chars - 1)] : text[..chars];
    }
}
