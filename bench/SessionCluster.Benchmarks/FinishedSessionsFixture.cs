using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Serialization;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Writes finished one-turn sessions straight into a node's journal, fast: the events are the ones
/// <see cref="Session.Decide"/> makes for launch, process start, agent session id, turn result and exit (as the
/// agent host's numbered facts), serialized by the node's own <see cref="SessionEventSerializer"/> with the data dir's
/// secrets key, into the <c>journal</c> and <c>tags</c> tables Akka.Persistence.Sql created when the node first
/// started on that data dir. Launching thousands of real agents would measure the agents, not the restart.
/// Optionally it also leaves the session directory's projection as a node that had run those sessions would have
/// saved it (the folded states and the journal's last offset, through the node's own
/// <see cref="SqliteDirectoryProjectionStore"/>), since a running node saves it every few seconds and at stop.
/// </summary>
public static class FinishedSessionsFixture
{
    // Two days ago, to the second: well inside retention's default 30 days, so a started node keeps the sessions
    // (a fixed date would age out and be pruned by the node's first retention run, measuring the pruning instead).
    private static readonly DateTimeOffset Epoch = new(DateTimeOffset.UtcNow.AddDays(-2).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>Appends sessions <paramref name="from"/> .. <paramref name="from"/>+<paramref name="count"/>-1 (ids <c>bench-000042</c>); returns the rows written.</summary>
    /// <param name="dataDir">A data dir a node has started on and stopped (schema and secrets.key exist).</param>
    /// <param name="saveProjection">Also save the directory's projection of the journal's sessions at its last offset.</param>
    public static long Append(string dataDir, int from, int count, string nodeId, string nodeName, bool saveProjection) =>
        Write(dataDir, Enumerable.Range(from, count).Select(i =>
        {
            var id = $"bench-{i:D6}";
            return (id, EventsOf(id, Epoch.AddSeconds(i), nodeId, nodeName));
        }), saveProjection);

    /// <summary>
    /// Appends a chain of <paramref name="length"/> finished sessions (<c>chain-01</c> first), each resumed from the one
    /// before by the real rules (the resumed session's <see cref="SessionResumedAs"/> and <see cref="ResumedSessionLaunched"/>,
    /// the new one's launch with its <see cref="ResumeLink"/>); returns the ids, first to last.
    /// </summary>
    public static IReadOnlyList<string> AppendChain(string dataDir, int length, string nodeId, string nodeName, bool saveProjection)
    {
        var ids = Enumerable.Range(1, length).Select(i => $"chain-{i:D2}").ToList();
        var events = ids.ToDictionary(id => id, _ => new List<SessionEvent>());
        var states = new Dictionary<string, SessionState>();
        for (var i = 0; i < length; i++)
        {
            var at = Epoch.AddDays(-1).AddMinutes(i);
            var launch = i == 0 ? null : Session.ResumeLaunch(states[ids[i - 1]], ids[i], "go on", at);
            states[ids[i]] = Run(null, events[ids[i]], Finished(ids[i], at, nodeId, nodeName, launch));
            if (i > 0)
            {
                var from = ids[i - 1];
                var resumed = Run(states[from], events[from], [new Resume(ids[i], at)]);
                states[from] = Take(resumed, events[from], Session.DecideResumedLaunch(resumed, ids[i], null, at), "the resume's launch");
            }
        }

        Write(dataDir, ids.Select(id => (id, (IReadOnlyList<SessionEvent>)events[id])), saveProjection);
        return ids;
    }

    /// <summary>Writes each session's events in one transaction (session after session); returns the rows written.</summary>
    private static long Write(string dataDir, IEnumerable<(string Id, IReadOnlyList<SessionEvent> Events)> sessions, bool saveProjection)
    {
        var cipher = new EnvCipher(Convert.FromBase64String(File.ReadAllText(Path.Combine(dataDir, "secrets.key")).Trim()));
        var serialization = SerializationSetup.Create(system => ImmutableHashSet.Create(SerializerDetails.Create(
            SessionEventSerializer.SerializerName, new SessionEventSerializer(system, cipher), [.. SessionEventSerializer.BoundTypes])));
        using var system = ActorSystem.Create("fixture", BootstrapSetup.Create().WithConfig("akka.loglevel = WARNING").And(serialization));
        var serializer = new SessionEventSerializer((ExtendedActorSystem)system, cipher);
        var connectionString = $"Data Source={Path.Combine(dataDir, "sessions.db")};Pooling=False;Default Timeout=30";

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var journal = connection.CreateCommand();
        journal.Transaction = transaction;
        journal.CommandText = """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
            VALUES ($created, 0, $pid, $seq, $message, $manifest, $identifier, $writer);
            SELECT last_insert_rowid();
            """;
        var created = journal.Parameters.Add("$created", SqliteType.Integer);
        var pid = journal.Parameters.Add("$pid", SqliteType.Text);
        var seq = journal.Parameters.Add("$seq", SqliteType.Integer);
        var message = journal.Parameters.Add("$message", SqliteType.Blob);
        var manifest = journal.Parameters.Add("$manifest", SqliteType.Text);
        journal.Parameters.AddWithValue("$identifier", serializer.Identifier);
        var writer = journal.Parameters.Add("$writer", SqliteType.Text);

        using var tags = connection.CreateCommand();
        tags.Transaction = transaction;
        tags.CommandText = "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES ($ordering, $tag, $seq, $pid);";
        var tagOrdering = tags.Parameters.Add("$ordering", SqliteType.Integer);
        tags.Parameters.AddWithValue("$tag", SessionRegion.Tag);
        var tagSeq = tags.Parameters.Add("$seq", SqliteType.Integer);
        var tagPid = tags.Parameters.Add("$pid", SqliteType.Text);

        long rows = 0;
        long lastOrdering = 0;
        var states = new List<SessionState>();
        foreach (var (id, events) in sessions)
        {
            var persistenceId = SessionRegion.PersistenceIdOf(id);
            writer.Value = Guid.NewGuid().ToString();
            long sequenceNr = 0;
            SessionState? state = null;
            foreach (var @event in events)
            {
                state = Session.Apply(state, @event);
                sequenceNr++;
                created.Value = DateTime.UtcNow.Ticks;
                pid.Value = persistenceId;
                seq.Value = sequenceNr;
                message.Value = serializer.ToBinary(@event);
                manifest.Value = serializer.Manifest(@event);
                var ordering = (long)journal.ExecuteScalar()!;
                tagOrdering.Value = ordering;
                tagSeq.Value = sequenceNr;
                tagPid.Value = persistenceId;
                tags.ExecuteNonQuery();
                rows++;
                lastOrdering = ordering;
            }

            states.Add(state!);
        }

        transaction.Commit();
        if (saveProjection)
        {
            // The sessions written before these are unchanged: the saved rows of an earlier call stay valid.
            new SqliteDirectoryProjectionStore(connectionString, system.Serialization).Save(states, lastOrdering);
        }

        return rows;
    }

    /// <summary>One finished one-turn session's events, as the entity would persist them.</summary>
    public static IReadOnlyList<SessionEvent> EventsOf(string id, DateTimeOffset at, string nodeId, string nodeName)
    {
        var events = new List<SessionEvent>();
        var state = Run(null, events, Finished(id, at, nodeId, nodeName, launch: null));
        return state is { IsLive: false }
            ? events
            : throw new InvalidOperationException($"the fixture's session ended {state?.Status}, not finished");
    }

    /// <summary>A one-turn session's commands, from <paramref name="launch"/> (or a fresh launch) to its agent's exit.</summary>
    private static SessionCommand[] Finished(string id, DateTimeOffset at, string nodeId, string nodeName, LaunchSession? launch) =>
    [
        launch ?? new LaunchSession(id, "bench " + id, new LaunchSpec(
            "claude", "say hello and stop", "/tmp", null, false, 10,
            ImmutableSortedDictionary<string, string>.Empty.Add("BENCH_TOKEN", "not-a-secret")), at),
        Fact(1, new RecordProcessStarted(nodeName, 40_000 + (id.GetHashCode() & 0x3fff), at.AddMilliseconds(300), nodeId, 123_456), at.AddMilliseconds(300)),
        Fact(2, new RecordAgentSessionId(Guid.NewGuid().ToString(), "claude-sonnet", at.AddMilliseconds(900)), at.AddMilliseconds(900)),
        Fact(3, new RecordTurnResult(0.0123m, new TokenUsage(1200, 80, 0, 0), false, WaitingReason.NextTurn, at.AddSeconds(2)), at.AddSeconds(2)),
        Fact(4, new RecordProcessExit(new AgentExit(0, null, "", "hello", null, null), at.AddSeconds(2.2)), at.AddSeconds(2.2)),
    ];

    /// <summary>Decides and applies <paramref name="commands"/> from <paramref name="state"/>, adding the events to <paramref name="events"/>.</summary>
    private static SessionState Run(SessionState? state, List<SessionEvent> events, IEnumerable<SessionCommand> commands)
    {
        foreach (var command in commands)
        {
            state = Take(state, events, Session.Decide(state, command), command.GetType().Name);
        }

        return state!;
    }

    private static SessionState Take(SessionState? state, List<SessionEvent> events, Decision decision, string what)
    {
        if (decision.Rejection is { } rejection)
        {
            throw new InvalidOperationException($"the fixture's {what} was refused: {rejection.Reason}");
        }

        foreach (var @event in decision.Events)
        {
            state = Session.Apply(state, @event);
            events.Add(@event);
        }

        return state!;
    }

    private static RecordAgentFact Fact(long seq, SessionCommand fact, DateTimeOffset at) => new(seq, fact, at);
}
