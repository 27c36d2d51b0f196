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
    public static readonly PersistenceSettings Sqlite = new(PersistenceProvider.Sqlite, null);

    /// <summary>Names only: the connection string holds the password.</summary>
    public override string ToString() => $"PersistenceSettings {{ Provider = {Provider} }}";
}
