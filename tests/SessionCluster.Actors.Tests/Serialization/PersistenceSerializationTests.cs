using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Serialization;
using SessionCluster.Domain;
using Xunit.Abstractions;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// The serializer as Akka.Persistence uses it: events written to a real SQL journal (Akka.Persistence.Sql on SQLite)
/// and the state saved as a snapshot are stored with serializer id 4301 and our manifests, and replay to the originals.
/// </summary>
public sealed class PersistenceSerializationTests : TestKit
{
    private readonly string _database;

    public PersistenceSerializationTests(ITestOutputHelper output)
        : this(Path.Combine(Path.GetTempPath(), $"sessioncluster-serialization-{Guid.NewGuid():N}.db"), output)
    {
    }

    private PersistenceSerializationTests(string database, ITestOutputHelper output)
        : base(SessionEventSerializer.Config.WithFallback(PersistenceConfig(database)), nameof(PersistenceSerializationTests), output)
    {
        _database = database;
    }

    private static string ConnectionString(string database) => $"Data Source={database};Pooling=False";

    private static Config PersistenceConfig(string database) => ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              connection-string = "{{ConnectionString(database)}}"
              provider-name = "SQLite.MS"
              auto-initialize = true
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql {
              class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
              connection-string = "{{ConnectionString(database)}}"
              provider-name = "SQLite.MS"
              auto-initialize = true
            }
          }
        }
        """);

    [Fact]
    public void Events_and_the_snapshot_go_through_the_serializer_and_replay_unchanged()
    {
        var events = SerializationSamples.Full.Values.OfType<SessionEvent>()
            .Concat(SerializationSamples.Minimal.Values.OfType<SessionEvent>())
            .ToArray();
        var state = (SessionState)SerializationSamples.Full["SS"];

        var writer = Sys.ActorOf(Props.Create(() => new Recorder("session-s1", TestActor, true)));
        ExpectMsg<string>("recovered", TimeSpan.FromSeconds(20));
        writer.Tell(events);
        ExpectMsg<string>("persisted", TimeSpan.FromSeconds(20));
        writer.Tell(state);
        ExpectMsg<string>("snapshot-saved", TimeSpan.FromSeconds(20));
        Watch(writer);
        Sys.Stop(writer);
        ExpectTerminated(writer);

        // From the snapshot: the state, then no events (it was taken after the last one).
        Sys.ActorOf(Props.Create(() => new Recorder("session-s1", TestActor, true)));
        var offered = ExpectMsg<SnapshotOffer>(TimeSpan.FromSeconds(20));
        Assert.Equal(Canonical.Of(state), Canonical.Of(offered.Snapshot));
        ExpectMsg<string>("recovered", TimeSpan.FromSeconds(20));

        // From the journal alone: every event, in order.
        Sys.ActorOf(Props.Create(() => new Recorder("session-s1", TestActor, false)));
        foreach (var expected in events)
        {
            var replayed = ExpectMsg<SessionEvent>(TimeSpan.FromSeconds(20));
            Assert.Equal(Canonical.Of(expected), Canonical.Of(replayed));
        }

        ExpectMsg<string>("recovered", TimeSpan.FromSeconds(20));

        using var connection = new SqliteConnection(ConnectionString(_database));
        connection.Open();
        var journalRows = Query(connection, "SELECT identifier, manifest FROM journal WHERE persistence_id = 'session-s1' ORDER BY sequence_number");
        Assert.Equal(events.Select(e => ("4301", SessionEventSerializer.Manifests[e.GetType()])), journalRows);
        var snapshotRows = Query(connection, "SELECT serializer_id, manifest FROM snapshot WHERE persistence_id = 'session-s1'");
        Assert.Equal([("4301", "SS")], snapshotRows);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm", _database + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless.
            }
        }
    }

    private static List<(string, string)> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!, reader.GetString(1)));
        }

        return rows;
    }

    private sealed class Recorder : ReceivePersistentActor
    {
        private readonly IActorRef _probe;
        private readonly bool _fromSnapshot;

        public Recorder(string persistenceId, IActorRef probe, bool fromSnapshot)
        {
            PersistenceId = persistenceId;
            _probe = probe;
            _fromSnapshot = fromSnapshot;

            Recover<SnapshotOffer>(offer => _probe.Tell(offer));
            Recover<SessionEvent>(e => _probe.Tell(e));
            Recover<RecoveryCompleted>(_ => _probe.Tell("recovered"));

            Command<SessionEvent[]>(events =>
            {
                var last = LastSequenceNr + events.Length;
                PersistAll(events, _ =>
                {
                    if (LastSequenceNr == last)
                    {
                        _probe.Tell("persisted");
                    }
                });
            });
            Command<SessionState>(SaveSnapshot);
            Command<SaveSnapshotSuccess>(_ => _probe.Tell("snapshot-saved"));
            Command<SaveSnapshotFailure>(failure => _probe.Tell(failure.Cause.ToString()));
        }

        public override string PersistenceId { get; }

        public override Recovery Recovery => _fromSnapshot ? Recovery.Default : new Recovery(SnapshotSelectionCriteria.None);

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            _probe.Tell($"rejected: {cause}");
            base.OnPersistRejected(cause, @event, sequenceNr);
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _probe.Tell($"failed: {cause}");
            base.OnPersistFailure(cause, @event, sequenceNr);
        }
    }
}
