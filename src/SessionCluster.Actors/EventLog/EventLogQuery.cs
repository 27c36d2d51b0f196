namespace SessionCluster.Actors.EventLog;

/// <summary>
/// Which entries of one session to read: of these <paramref name="Types"/> (null: all), numbered after
/// <paramref name="Since"/>, the last <paramref name="Tail"/> of them (null: the first ones), at most <paramref name="Limit"/>.
/// </summary>
public sealed record EventLogQuery(string SessionId, IReadOnlySet<string>? Types, long Since, int? Tail, int Limit);
