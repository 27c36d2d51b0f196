using System.Text;

namespace SessionCluster.Node.EventLog;

/// <summary>
/// Words and snippets of a search body as SQLite's FTS5 (unicode61 tokenizer) makes them, for the PostgreSQL store:
/// a word is a run of letters and digits, anything else separates words (so <c>rm -rf</c> is <c>rm rf</c> and
/// <c>src/Program.cs</c> is <c>src program cs</c>), compared without case.
/// </summary>
public static class SearchText
{
    /// <summary>The SQL regular expression (PostgreSQL ARE) of the ASCII characters that separate words. Only ASCII:
    /// PostgreSQL's own parser separates the other ones, and its classes such as [:punct:] depend on the locale.</summary>
    public const string SqlSeparators = @"[\x01-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F]+";

    /// <summary>The words of <paramref name="text"/>, in order, lower case.</summary>
    public static IReadOnlyList<string> Words(string text) => Tokens(text).Select(t => Fold(text, t)).ToList();

    /// <summary>
    /// FTS5's <c>snippet(…, '[', ']', '…', <paramref name="maxTokens"/>)</c> of <paramref name="body"/> for the phrase
    /// <paramref name="phrase"/> (its words): the window of at most <paramref name="maxTokens"/> words holding most
    /// matches (a window at a sentence's start preferred), each match in brackets, an ellipsis where text was cut.
    /// </summary>
    public static string Snippet(string body, IReadOnlyList<string> phrase, int maxTokens = 16)
    {
        var tokens = Tokens(body);
        var words = tokens.Select(t => Fold(body, t)).ToList();
        var matches = new List<int>();
        if (phrase.Count > 0)
        {
            for (var i = 0; i + phrase.Count <= words.Count; i++)
            {
                if (Enumerable.Range(0, phrase.Count).All(j => words[i + j] == phrase[j]))
                {
                    matches.Add(i);
                }
            }
        }

        var sentences = SentenceStarts(body, tokens);
        var size = tokens.Count;
        var bestScore = 0;
        var bestStart = 0;
        foreach (var match in matches)
        {
            var (score, adjusted) = Score(matches, phrase.Count, size, match, maxTokens);
            if (score > bestScore)
            {
                (bestScore, bestStart) = (score, adjusted);
            }

            if (sentences.Count > 0 && size > maxTokens)
            {
                var jj = 0;
                while (jj < sentences.Count - 1 && sentences[jj + 1] <= match)
                {
                    jj++;
                }

                if (sentences[jj] < match)
                {
                    var (atSentence, _) = Score(matches, phrase.Count, size, sentences[jj], maxTokens);
                    atSentence += sentences[jj] == 0 ? 120 : 100;
                    if (atSentence > bestScore)
                    {
                        (bestScore, bestStart) = (atSentence, sentences[jj]);
                    }
                }
            }
        }

        return Highlight(body, tokens, Coalesce(matches, phrase.Count), bestStart, bestStart + maxTokens - 1);
    }

    // fts5SnippetScore: 1000 for the phrase's first match in the window, 1 for each other; the window moved so that
    // its matches are in the middle, within the text.
    private static (int Score, int Start) Score(List<int> matches, int phraseSize, int size, int from, int maxTokens)
    {
        var score = 0;
        var first = -1;
        var last = 0;
        foreach (var match in matches.Where(m => m >= from && m < (long)from + maxTokens))
        {
            score += first < 0 ? 1000 : 1;
            if (first < 0)
            {
                first = match;
            }

            last = match + phraseSize;
        }

        var start = first - (maxTokens - (last - first)) / 2;
        if (start + maxTokens > size)
        {
            start = size - maxTokens;
        }

        return (score, Math.Max(start, 0));
    }

    // fts5HighlightCb over the window [rangeStart, rangeEnd] of tokens, with the overlapping matches merged.
    private static string Highlight(string body, List<(int Start, int End)> tokens, List<(int First, int Last)> spans, int rangeStart, int rangeEnd)
    {
        var output = new StringBuilder();
        if (rangeStart > 0)
        {
            output.Append('…');
        }

        var span = 0;
        while (span < spans.Count && spans[span].First < rangeStart)
        {
            span++;
        }

        var offset = 0;
        for (var i = rangeStart; i <= rangeEnd && i < tokens.Count; i++)
        {
            var (start, end) = tokens[i];
            if (rangeStart > 0 && i == rangeStart)
            {
                offset = start;
            }

            var current = span < spans.Count ? spans[span] : (First: -1, Last: -1);
            if (i == current.First)
            {
                output.Append(body, offset, start - offset).Append('[');
                offset = start;
            }

            if (i == current.Last)
            {
                output.Append(body, offset, end - offset).Append(']');
                offset = end;
                span++;
                current = span < spans.Count ? spans[span] : (First: -1, Last: -1);
            }

            if (i == rangeEnd)
            {
                output.Append(body, offset, end - offset);
                offset = end;
                if (i >= current.First && current.First >= 0 && i < current.Last)
                {
                    output.Append(']');
                }
            }
        }

        if (rangeEnd >= tokens.Count - 1)
        {
            output.Append(body, offset, body.Length - offset);
        }
        else
        {
            output.Append('…');
        }

        return output.ToString();
    }

    // fts5CInstIterNext: matches that overlap are one highlighted span (first and last token).
    private static List<(int First, int Last)> Coalesce(List<int> matches, int phraseSize)
    {
        var spans = new List<(int First, int Last)>();
        foreach (var match in matches)
        {
            var last = match + phraseSize - 1;
            if (spans.Count > 0 && match <= spans[^1].Last)
            {
                spans[^1] = (spans[^1].First, Math.Max(last, spans[^1].Last));
            }
            else
            {
                spans.Add((match, last));
            }
        }

        return spans;
    }

    // fts5SentenceFinderCb: the first token, and each token after white space that follows a '.' or a ':'.
    private static List<int> SentenceStarts(string body, List<(int Start, int End)> tokens)
    {
        var starts = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i == 0)
            {
                starts.Add(0);
                continue;
            }

            var j = tokens[i].Start - 1;
            while (j >= 0 && body[j] is ' ' or '\t' or '\n' or '\r')
            {
                j--;
            }

            if (j != tokens[i].Start - 1 && j >= 0 && body[j] is '.' or ':')
            {
                starts.Add(i);
            }
        }

        return starts;
    }

    private static List<(int Start, int End)> Tokens(string text)
    {
        var tokens = new List<(int Start, int End)>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && IsWordChar(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                tokens.Add((start, i));
                start = -1;
            }
        }

        return tokens;
    }

    private static string Fold(string text, (int Start, int End) token) => text[token.Start..token.End].ToLowerInvariant();

    // ASCII: letters and digits (as SqlSeparators). Beyond it: what is neither space, punctuation nor symbol, as
    // PostgreSQL's parser in a UTF-8 locale and FTS5's unicode61 decide.
    private static bool IsWordChar(char c) => c < 128
        ? char.IsAsciiLetterOrDigit(c)
        : !(char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSymbol(c) || char.IsSeparator(c) || char.IsControl(c));
}
