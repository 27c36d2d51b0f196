namespace SessionCluster.Node.Configuration;

/// <summary>
/// Finds an unclosed <c>{</c>, <c>[</c> or string in a HOCON file. Akka's parser accepts such a file alone,
/// then, with the files after it, swallows them (an unclosed brace) or never returns (an unclosed bracket).
/// </summary>
public static class HoconBalance
{
    /// <summary>Null when every bracket and string is closed, else what is wrong and where.</summary>
    public static string? Problem(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"':
                    var start = line;
                    var triple = string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0;
                    var end = triple ? text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) : ClosingQuote(text, i + 1);
                    if (end < 0)
                    {
                        return $"the string opened on line {start} is never closed";
                    }

                    line += text.AsSpan(i, end - i).Count('\n');
                    i = triple ? end + 2 : end;
                    break;
                case '{':
                case '[':
                    open.Push((c, line));
                    break;
                case '}':
                case ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                    {
                        return $"'{c}' on line {line} closes nothing";
                    }

                    open.Pop();
                    break;
            }
        }

        return open.Count == 0 ? null : $"'{open.Peek().Bracket}' on line {open.Peek().Line} is never closed";
    }

    private static int ClosingQuote(string text, int from)
    {
        for (var i = from; i < text.Length && text[i] != '\n'; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }
}
