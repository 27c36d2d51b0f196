namespace SessionCluster.EndToEnd.Tests;

public static class Eventually
{
    /// <summary>Retries an assertion until it holds or the deadline passes; then its last failure is thrown.</summary>
    public static async Task HoldsAsync(Func<Task> assertion, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
