namespace SessionCluster.Domain.Tests;

public class TokenUsageTests
{
    [Fact]
    public void Add_sums_each_counter()
    {
        var sum = new TokenUsage(1, 2, 3, 4).Add(new TokenUsage(10, 20, 30, 40));
        Assert.Equal(new TokenUsage(11, 22, 33, 44), sum);
    }

    [Fact]
    public void Zero_is_neutral()
    {
        var usage = new TokenUsage(5, 6, 7, 8);
        Assert.Equal(usage, usage.Add(TokenUsage.Zero));
        Assert.Equal(usage, TokenUsage.Zero.Add(usage));
        Assert.Equal(new TokenUsage(0, 0, 0, 0), TokenUsage.Zero);
    }

    [Fact]
    public void Large_counts_do_not_overflow_an_int()
    {
        var big = new TokenUsage(int.MaxValue, int.MaxValue, 0, 0);
        Assert.Equal(2L * int.MaxValue, big.Add(big).InputTokens);
    }
}
