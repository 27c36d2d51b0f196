using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using SessionCluster.Domain;
using Xunit.Abstractions;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// The real journal and snapshot store on a real SQLite file: a session env value is in neither the database nor
/// its -wal and -shm files, in any of the forms a careless writer might leave it, while its name is.
/// </summary>
public sealed class SecretsInSqliteTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly SqliteJournal journal;
    private readonly string secret = "MY-" + Guid.NewGuid().ToString("N");

    public SecretsInSqliteTests(ITestOutputHelper output) : this(new SqliteJournal(), output)
    {
    }

    private SecretsInSqliteTests(SqliteJournal journal, ITestOutputHelper output)
        : base(journal.Config(), nameof(SecretsInSqliteTests), output)
    {
        this.journal = journal;
    }

    [Fact]
    public void A_persisted_event_and_snapshot_leave_no_env_value_in_the_sqlite_files()
    {
        var env = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("MY_SECRET", secret)]);
        var launched = (SessionLaunched)SerializationSamples.Full["SL"] with { Id = "s-secret", Spec = ((SessionLaunched)SerializationSamples.Full["SL"]).Spec with { Env = env } };
        var state = Session.Apply(null, launched);

        var writer = Sys.ActorOf(Props.Create(() => new Writer("session-s-secret", TestActor)));
        writer.Tell(launched);
        ExpectMsg("persisted", Wait);
        writer.Tell(state);
        ExpectMsg("snapshot-saved", Wait);
        Watch(writer);
        Sys.Stop(writer);
        ExpectTerminated(writer);

        // Both really reached the file (and read back, so the env is in there, sealed).
        Assert.Equal(1, journal.Count("journal"));
        Assert.Equal(1, journal.Count("snapshot"));
        Sys.ActorOf(Props.Create(() => new Writer("session-s-secret", TestActor)));
        Assert.Equal(secret, ExpectMsg<SnapshotOffer>(Wait).Snapshot is SessionState s ? s.Env["MY_SECRET"] : null);

        // While the store is open (a -wal or -journal may hold the rows) and after it closed.
        AssertNoSecretInFiles();
        Shutdown(verifySystemShutdown: true);
        SqliteConnection.ClearAllPools();
        AssertNoSecretInFiles();
    }

    private void AssertNoSecretInFiles()
    {
        var files = new[] { "", "-wal", "-shm", "-journal" }.Select(suffix => journal.File + suffix).Where(File.Exists).ToList();
        var bytes = files.Select(f => File.ReadAllBytes(f)).ToList();
        Assert.Contains(bytes, b => b.AsSpan().IndexOf("MY_SECRET"u8) >= 0);
        foreach (var form in SealedEnvTests.SecretForms(secret))
        {
            Assert.All(bytes, b => Assert.True(b.AsSpan().IndexOf(form) < 0, $"the secret is in the SQLite files as {Convert.ToHexString(form)}"));
        }
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        journal.Dispose();
    }

    private sealed class Writer : ReceivePersistentActor
    {
        public Writer(string persistenceId, IActorRef probe)
        {
            PersistenceId = persistenceId;
            Recover<SnapshotOffer>(probe.Tell);
            Command<SessionLaunched>(e => Persist(e, _ => probe.Tell("persisted")));
            Command<SessionState>(SaveSnapshot);
            Command<SaveSnapshotSuccess>(_ => probe.Tell("snapshot-saved"));
            Command<SaveSnapshotFailure>(failure => probe.Tell(failure.Cause.ToString()));
        }

        public override string PersistenceId { get; }
    }
}
