using Npgsql;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// Whether the node's PostgreSQL answers: a fresh connection (not from the pool, whose idle connections say nothing
/// about the server) running <c>SELECT 1</c> with a 2 s timeout, its answer kept for a second so readiness probes and
/// requests cost at most one look a second. On SQLite the journal is a local file: always reachable.
/// </summary>
public sealed class DatabaseProbe
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly string? connectionString;
    private readonly object gate = new();
    private Task<bool>? look;
    private long lookedAt;

    public DatabaseProbe(PersistenceSettings persistence)
    {
        if (persistence.Provider == PersistenceProvider.Postgres && persistence.PostgresConnectionString is { } configured)
        {
            connectionString = new NpgsqlConnectionStringBuilder(configured) { Pooling = false, Timeout = 2, CommandTimeout = 2 }.ConnectionString;
        }
    }

    /// <summary>What a problem or the readiness answer calls the database.</summary>
    public string Name => connectionString is null ? "SQLite" : "PostgreSQL";

    /// <summary>True when the database answered within the last second (one look at a time; callers share it).</summary>
    public Task<bool> IsReachableAsync()
    {
        if (connectionString is null)
        {
            return Task.FromResult(true);
        }

        lock (gate)
        {
            if (look is null || (look.IsCompleted && System.Diagnostics.Stopwatch.GetElapsedTime(lookedAt) > CacheFor))
            {
                lookedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                look = LookAsync(connectionString);
            }

            return look;
        }
    }

    private static async Task<bool> LookAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (Exception)
        {
            // Whatever went wrong (refused, timed out, authentication, shutting down), the database does not serve.
            return false;
        }
    }
}
