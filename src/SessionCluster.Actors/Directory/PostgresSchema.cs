using Npgsql;

namespace SessionCluster.Actors.Directory;

/// <summary>Creates the node's own tables in the PostgreSQL journal's database, one node at a time.</summary>
internal static class PostgresSchema
{
    /// <summary>
    /// Runs <paramref name="ddl"/> (<c>CREATE ... IF NOT EXISTS</c>) under a transaction-scoped advisory lock: two nodes
    /// starting together would otherwise both create the same table, and one would fail on the catalog's unique index.
    /// </summary>
    public static void Create(NpgsqlConnection connection, string ddl)
    {
        using var transaction = connection.BeginTransaction();
        using var create = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('sessioncluster.schema'));" + ddl, connection, transaction);
        create.ExecuteNonQuery();
        transaction.Commit();
    }
}
