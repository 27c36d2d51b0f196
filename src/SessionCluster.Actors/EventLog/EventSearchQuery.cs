namespace SessionCluster.Actors.EventLog;

/// <summary>
/// A search across every session's event log: entries whose summary (or, for the agent's own words, raw JSON) holds
/// <paramref name="Text"/> (its words in this order), of these <paramref name="Types"/> (null: all), of sessions of <paramref name="Agent"/> (null: any).
/// </summary>
public sealed record EventSearchQuery(string Text, IReadOnlySet<string>? Types, string? Agent, int Limit);
