using SessionCluster.Domain;

namespace SessionCluster.Actors.Retention;

/// <param name="Policy">sessioncluster.retention.max-age and max-finished-sessions.</param>
/// <param name="Interval">sessioncluster.retention.interval: how often the background run prunes; zero turns it off
/// (<c>sessionctl prune</c> still works).</param>
public sealed record RetentionSettings(RetentionPolicy Policy, TimeSpan Interval)
{
    public static readonly RetentionSettings Default = new(RetentionPolicy.Default, TimeSpan.FromHours(1));
}
