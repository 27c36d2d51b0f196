namespace SessionCluster.Node.Configuration;

/// <summary>Where the journal, snapshots and the node's stores live.</summary>
public enum PersistenceProvider
{
    /// <summary>One SQLite file in the data dir: one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: several nodes share it.</summary>
    Postgres,
}

/// <summary>sessioncluster.persistence.</summary>
/// <param name="PostgresConnectionString">For <see cref="PersistenceProvider.Postgres"/>; holds the password: never log it.</param>
public sealed record PersistenceSettings(PersistenceProvider Provider, string? PostgresConnectionString)
{
    public static readonly PersistenceSettings Sqlite = new(PersistenceProvider.Sqlite, null) { RefusesOtherNodes = true };

    /// <summary>
    /// SQLite with persistence.sqlite.refuse-other-nodes on: the node refuses seeds naming other nodes at start, and
    /// downs any node that joins it (SingleNodeGuard).
    /// </summary>
    public bool RefusesOtherNodes { get; init; }

    /// <summary>Names only: the connection string holds the password.</summary>
    public override string ToString() => $"PersistenceSettings {{ Provider = {Provider}, RefusesOtherNodes = {RefusesOtherNodes} }}";
}
