namespace SessionCluster.Domain.Tests;

public class TailTests
{
    private const string Emoji = "\U0001F600"; // one code point, two UTF-16 chars

    [Theory]
    [InlineData(null, 5, "")]
    [InlineData("", 5, "")]
    [InlineData("abc", 5, "abc")]
    [InlineData("abcde", 5, "abcde")]
    [InlineData("abcdef", 5, "bcdef")]
    [InlineData("abcdef", 1, "f")]
    public void Of_keeps_the_last_characters(string? text, int chars, string expected)
    {
        Assert.Equal(expected, Tail.Of(text, chars));
    }

    [Fact]
    public void Of_does_not_start_in_the_middle_of_a_surrogate_pair()
    {
        var text = "ab" + Emoji + "cd"; // a b <hi> <lo> c d

        // The last 3 chars would start with the low surrogate: drop it rather than split the pair.
        Assert.Equal("cd", Tail.Of(text, 3));
        Assert.Equal(Emoji + "cd", Tail.Of(text, 4));
        Assert.Equal("b" + Emoji + "cd", Tail.Of(text, 5));
    }

    [Fact]
    public void Of_never_splits_a_pair_at_any_cut()
    {
        var text = string.Concat(Enumerable.Range(0, 20).Select(i => i % 3 == 0 ? "x" : Emoji));

        for (var chars = 1; chars <= text.Length + 1; chars++)
        {
            var tail = Tail.Of(text, chars);
            Assert.True(tail.Length <= chars, $"{chars}: {tail.Length}");
            Assert.True(tail.Length >= chars - 1 || tail == text, $"{chars}: {tail.Length}");
            Assert.EndsWith(tail, text, StringComparison.Ordinal);
            if (tail.Length > 0)
            {
                Assert.False(char.IsLowSurrogate(tail[0]), $"cut at {chars} starts with a low surrogate");
                Assert.False(char.IsHighSurrogate(tail[^1]), $"cut at {chars} ends with a high surrogate");
            }
        }
    }

    [Fact]
    public void Of_cuts_text_made_only_of_pairs_on_a_pair_boundary()
    {
        var text = string.Concat(Enumerable.Repeat(Emoji, 1500)); // 3000 chars
        var tail = Tail.Of(text, ErrorContext.StderrTailChars);
        Assert.Equal(2000, tail.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat(Emoji, 1000)), tail);

        var odd = Tail.Of(text, ErrorContext.StderrTailChars - 1);
        Assert.Equal(1998, odd.Length);
        Assert.False(char.IsLowSurrogate(odd[0]));
    }

    /// <summary>
    /// Regression: with chars = 0 and a non-empty text, start = text.Length and text[start] throws
    /// IndexOutOfRangeException. The tail of zero characters is the empty string.
    /// </summary>
    [Fact]
    public void A_zero_length_tail_is_empty()
    {
        Assert.Equal(string.Empty, Tail.Of("abc", 0));
    }
}
