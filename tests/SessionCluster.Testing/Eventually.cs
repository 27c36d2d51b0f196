namespace SessionCluster.Testing;

/// <summary>Polls with a deadline (never a fixed sleep): an assertion is tried again until it holds.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>Retries an assertion until it holds or the deadline passes; then its last failure is thrown.</summary>
    public static Task HoldsAsync(Func<Task> assertion, int seconds = 20) => HoldsAsync(assertion, TimeSpan.FromSeconds(seconds));

    /// <inheritdoc cref="HoldsAsync(Func{Task}, int)"/>
    public static Task HoldsAsync(Func<Task> assertion, TimeSpan within) => ReturnsAsync(async () =>
    {
        await assertion();
        return true;
    }, within);

    /// <inheritdoc cref="HoldsAsync(Func{Task}, int)"/>
    public static Task HoldsAsync(Action assertion, TimeSpan within) => ReturnsAsync(() =>
    {
        assertion();
        return Task.FromResult(true);
    }, within);

    /// <summary>Retries <paramref name="attempt"/> until it returns without throwing (its value) or the deadline passes.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> attempt, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollEvery);
            }
        }
    }
}
