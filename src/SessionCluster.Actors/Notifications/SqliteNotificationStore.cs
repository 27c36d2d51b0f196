using Microsoft.Data.Sqlite;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications;

/// <summary>
/// The notifier's delivery state in two tables of the journal's own SQLite file: <c>notifications</c> (one row per
/// notification: where it went and how) and <c>notification_offset</c> (the journal offset every notification is
/// settled up to).
/// </summary>
public sealed class SqliteNotificationStore : INotificationStore
{
    private readonly string connectionString;

    public SqliteNotificationStore(string connectionString)
    {
        this.connectionString = connectionString;
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS notifications (
              id           TEXT    NOT NULL PRIMARY KEY,
              session_id   TEXT    NOT NULL,
              kind         TEXT    NOT NULL,
              channel      TEXT    NOT NULL,
              state        TEXT    NOT NULL,
              attempts     INTEGER NOT NULL,
              last_error   TEXT,
              raised_at    INTEGER NOT NULL,
              delivered_at INTEGER);
            CREATE INDEX IF NOT EXISTS notifications_by_session ON notifications (session_id, raised_at);
            CREATE INDEX IF NOT EXISTS notifications_by_time ON notifications (raised_at);
            CREATE TABLE IF NOT EXISTS notification_offset (
              id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
              journal_offset INTEGER NOT NULL);
            """;
        create.ExecuteNonQuery();
    }

    public long LoadOffset()
    {
        using var connection = Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT journal_offset FROM notification_offset WHERE id = 1;";
        return query.ExecuteScalar() is long offset ? offset : 0;
    }

    public void Save(IReadOnlyCollection<NotificationRecord> records, long? offset)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (records.Count > 0)
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO notifications (id, session_id, kind, channel, state, attempts, last_error, raised_at, delivered_at)
                VALUES ($id, $session, $kind, $channel, $state, $attempts, $error, $raised, $delivered)
                ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, state = excluded.state, attempts = excluded.attempts,
                  last_error = excluded.last_error, delivered_at = excluded.delivered_at;
                """;
            var id = upsert.Parameters.Add("$id", SqliteType.Text);
            var session = upsert.Parameters.Add("$session", SqliteType.Text);
            var kind = upsert.Parameters.Add("$kind", SqliteType.Text);
            var channel = upsert.Parameters.Add("$channel", SqliteType.Text);
            var state = upsert.Parameters.Add("$state", SqliteType.Text);
            var attempts = upsert.Parameters.Add("$attempts", SqliteType.Integer);
            var error = upsert.Parameters.Add("$error", SqliteType.Text);
            var raised = upsert.Parameters.Add("$raised", SqliteType.Integer);
            var delivered = upsert.Parameters.Add("$delivered", SqliteType.Integer);
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
            using var save = connection.CreateCommand();
            save.Transaction = transaction;
            save.CommandText = """
                INSERT INTO notification_offset (id, journal_offset) VALUES (1, $offset)
                ON CONFLICT (id) DO UPDATE SET journal_offset = excluded.journal_offset;
                """;
            save.Parameters.AddWithValue("$offset", journalOffset);
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
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT state FROM notifications WHERE id = $id;";
        var id = query.Parameters.Add("$id", SqliteType.Text);
        foreach (var each in ids)
        {
            id.Value = each;
            if (query.ExecuteScalar() is string state && DeliveryStates.FromWire(state) is { } known && known.IsSettled())
            {
                settled.Add(each);
            }
        }

        return settled;
    }

    public IReadOnlyList<NotificationRecord> List(string? sessionId, int limit)
    {
        using var connection = Open();
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT id, session_id, kind, channel, state, attempts, last_error, raised_at, delivered_at FROM notifications
            {(sessionId is null ? "" : "WHERE session_id = $session")}
            ORDER BY raised_at DESC, rowid DESC LIMIT $limit;
            """;
        if (sessionId is not null)
        {
            query.Parameters.AddWithValue("$session", sessionId);
        }

        query.Parameters.AddWithValue("$limit", limit);
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
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM notifications WHERE session_id = $session;";
        var session = delete.Parameters.Add("$session", SqliteType.Text);
        foreach (var id in sessionIds)
        {
            session.Value = id;
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        return SqliteBusyWait.Open(connectionString);
    }
}
