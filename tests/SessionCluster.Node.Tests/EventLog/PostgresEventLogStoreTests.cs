using Npgsql;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using SessionCluster.Node.EventLog;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>The event log store and its writer against a real PostgreSQL 15: one server for the class, a database per test.</summary>
public sealed class PostgresEventLogStoreTests(PostgresEventLogStoreTests.Server server) : EventLogStoreContract, IClassFixture<PostgresEventLogStoreTests.Server>, IAsyncLifetime
{
    private string connectionString = "";

    protected override int RankedMatches => PostgresEventLogStore.RankedMatches;

    public async Task InitializeAsync() => connectionString = server.Pg.ConnectionString(await server.Pg.CreateDatabaseAsync());

    public Task DisposeAsync()
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
        return Task.CompletedTask;
    }

    protected override IEventLogStore CreateStore() => new PostgresEventLogStore(connectionString);

    protected override void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_batch_that_fails_part_way_leaves_nothing_of_itself()
    {
        var store = CreateStore();
        store.Append([new("s", 1, T0, Entry(EventLogTypes.Text, "first"))], new Dictionary<string, long> { ["s"] = long.MaxValue - 1 }, 100);

        // The entries are inserted, then the dropped count overflows: the insert is rolled back with it.
        Assert.ThrowsAny<PostgresException>(() =>
            store.Append([new("s", 2, T0, Entry(EventLogTypes.Text, "second"))], new Dictionary<string, long> { ["s"] = 2 }, 100));

        var page = store.Read(new EventLogQuery("s", null, 0, null, 10))!;
        Assert.Equal([1L], page.Events.Select(e => e.Seq));
        Assert.Equal(new EventLogHead(1, long.MaxValue - 1), page.Head);
        Assert.Empty(store.Search(new EventSearchQuery("second", null, null, 10)));
    }

    [Fact]
    public void Stores_that_start_together_on_an_empty_database_both_make_or_find_the_tables()
    {
        var stores = Enumerable.Range(0, 4).AsParallel().Select(_ => CreateStore()).ToList();
        stores[0].Append([new("s", 1, T0, Entry(EventLogTypes.Text, "hello"))], new Dictionary<string, long>(), 100);
        Assert.All(stores, s => Assert.Equal(new EventLogHead(1, 0), s.Head("s")));
    }

    /// <summary>The tests' PostgreSQL server, shared by the class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private PostgresServer? pg;

        public PostgresServer Pg => pg ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync() => pg = await PostgresServer.StartAsync();

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            if (pg is not null)
            {
                await pg.DisposeAsync();
            }
        }
    }
}
