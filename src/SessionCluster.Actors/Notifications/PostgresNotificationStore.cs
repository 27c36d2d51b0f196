using Npgsql;
using NpgsqlTypes;
using SessionCluster.Actors.Directory;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications;

/// <summary>
/// The notifier's delivery state in two tables of the PostgreSQL journal's database, as
/// <see cref="SqliteNotificationStore"/> keeps it in the SQLite file: <c>notifications</c> (one row per notification:
/// where it went and how; <c>seq</c> orders those raised in the same millisecond, as SQLite's rowid does) and
/// <c>notification_offset</c> (the journal offset every notification is settled up to), keyed by <c>follower</c>. The
/// notifier is one per cluster (a cluster singleton), so the node keeps its offset under <see cref="ClusterWide"/>: the
/// node that takes the singleton over resumes where the last one settled.
/// </summary>
/// <remarks>
/// Versions before the singleton kept one row per node id (every node ran a notifier of its own and delivered every
/// notification). While there is no <see cref="ClusterWide"/> row yet, the highest of those offsets is read: each node
/// followed the whole journal, so everything below the highest was delivered (by that node at least), and an upgraded
/// cluster resends nothing. The per-node rows are left as they are and no longer written.
/// </remarks>
public sealed class PostgresNotificationStore : INotificationStore
{
    private readonly string connectionString;
    private readonly string follower;

    /// <summary>The key of the cluster's one notifier (no node id is empty).</summary>
    public const string ClusterWide = "";

    /// <param name="follower">Whose offset this is: <see cref="ClusterWide"/> for the cluster's notifier.</param>
    public PostgresNotificationStore(string connectionString, string follower = ClusterWide)
    {
        this.connectionString = connectionString;
        this.follower = follower;
        using var connection = Open();
        PostgresSchema.Create(connection, """
            CREATE TABLE IF NOT EXISTS notifications (
              id           TEXT    NOT NULL PRIMARY KEY,
              seq          BIGINT  GENERATED ALWAYS AS IDENTITY,
              session_id   TEXT    NOT NULL,
              kind         TEXT    NOT NULL,
              channel      TEXT    NOT NULL,
              state        TEXT    NOT NULL,
              attempts     INTEGER NOT NULL,
              last_error   TEXT,
              raised_at    BIGINT  NOT NULL,
              delivered_at BIGINT);
            CREATE INDEX IF NOT EXISTS notifications_by_session ON notifications (session_id, raised_at);
            CREATE INDEX IF NOT EXISTS notifications_by_time ON notifications (raised_at);
            CREATE TABLE IF NOT EXISTS notification_offset (
              follower       TEXT    NOT NULL PRIMARY KEY,
              journal_offset BIGINT  NOT NULL);
            """);
    }

    public long LoadOffset()
    {
        using var connection = Open();
        using var query = new NpgsqlCommand("SELECT journal_offset FROM notification_offset WHERE follower = @follower;", connection);
        query.Parameters.AddWithValue("follower", follower);
        if (query.ExecuteScalar() is long offset)
        {
            return offset;
        }

        if (follower != ClusterWide)
        {
            return 0;
        }

        // No cluster row yet: a cluster upgraded from per-node notifiers resumes after the furthest of them.
        using var legacy = new NpgsqlCommand("SELECT MAX(journal_offset) FROM notification_offset;", connection);
        return legacy.ExecuteScalar() is long furthest ? furthest : 0;
    }

    public void Save(IReadOnlyCollection<NotificationRecord> records, long? offset)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (records.Count > 0)
        {
            using var upsert = new NpgsqlCommand("""
                INSERT INTO notifications (id, session_id, kind, channel, state, attempts, last_error, raised_at, delivered_at)
                VALUES (@id, @session, @kind, @channel, @state, @attempts, @error, @raised, @delivered)
                ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, state = excluded.state, attempts = excluded.attempts,
                  last_error = excluded.last_error, delivered_at = excluded.delivered_at;
                """, connection, transaction);
            var id = upsert.Parameters.Add("id", NpgsqlDbType.Text);
            var session = upsert.Parameters.Add("session", NpgsqlDbType.Text);
            var kind = upsert.Parameters.Add("kind", NpgsqlDbType.Text);
            var channel = upsert.Parameters.Add("channel", NpgsqlDbType.Text);
            var state = upsert.Parameters.Add("state", NpgsqlDbType.Text);
            var attempts = upsert.Parameters.Add("attempts", NpgsqlDbType.Integer);
            var error = upsert.Parameters.Add("error", NpgsqlDbType.Text);
            var raised = upsert.Parameters.Add("raised", NpgsqlDbType.Bigint);
            var delivered = upsert.Parameters.Add("delivered", NpgsqlDbType.Bigint);
            foreach (var record in records)
            {
                id.Value = record.Id;
                session.Value = record.SessionId;
                kind.Value = record.Kind.ToWire();
                channel.Value = record.Channel;
                state.Value = record.State.ToWire();
                attempts.Value = record.Attempts;
                error.Value = (object?)record.LastError ?? DBNull.Value;
                raised.Value = record.RaisedAt.ToUnixTimeMilliseconds();
                delivered.Value = record.DeliveredAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;
                upsert.ExecuteNonQuery();
            }
        }

        if (offset is { } journalOffset)
        {
            using var save = new NpgsqlCommand("""
                INSERT INTO notification_offset (follower, journal_offset) VALUES (@follower, @offset)
                ON CONFLICT (follower) DO UPDATE SET journal_offset = excluded.journal_offset;
                """, connection, transaction);
            save.Parameters.AddWithValue("follower", follower);
            save.Parameters.AddWithValue("offset", journalOffset);
            save.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public IReadOnlySet<string> Settled(IReadOnlyCollection<string> ids)
    {
        var settled = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return settled;
        }

        using var connection = Open();
        using var query = new NpgsqlCommand("SELECT id, state FROM notifications WHERE id = ANY(@ids);", connection);
        query.Parameters.AddWithValue("ids", ids.ToArray());
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            if (DeliveryStates.FromWire(reader.GetString(1)) is { } known && known.IsSettled())
            {
                settled.Add(reader.GetString(0));
            }
        }

        return settled;
    }

    public IReadOnlyList<NotificationRecord> List(string? sessionId, int limit)
    {
        using var connection = Open();
        using var query = new NpgsqlCommand($"""
            SELECT id, session_id, kind, channel, state, attempts, last_error, raised_at, delivered_at FROM notifications
            {(sessionId is null ? "" : "WHERE session_id = @session")}
            ORDER BY raised_at DESC, seq DESC LIMIT @limit;
            """, connection);
        if (sessionId is not null)
        {
            query.Parameters.AddWithValue("session", sessionId);
        }

        query.Parameters.AddWithValue("limit", limit);
        var records = new List<NotificationRecord>();
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            records.Add(new NotificationRecord(
                reader.GetString(0),
                reader.GetString(1),
                NotificationKinds.FromWire(reader.GetString(2)) ?? NotificationKind.Test,
                reader.GetString(3),
                DeliveryStates.FromWire(reader.GetString(4)) ?? DeliveryState.Pending,
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
        }

        return records;
    }

    public void Forget(IReadOnlyCollection<string> sessionIds)
    {
        if (sessionIds.Count == 0)
        {
            return;
        }

        using var connection = Open();
        using var delete = new NpgsqlCommand("DELETE FROM notifications WHERE session_id = ANY(@sessions);", connection);
        delete.Parameters.AddWithValue("sessions", sessionIds.ToArray());
        delete.ExecuteNonQuery();
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }
}
