namespace SessionCluster.Actors.EventLog;

/// <summary>One entry a search found, with the words around the match (<c>[</c>match<c>]</c>).</summary>
public sealed record EventSearchHit(string SessionId, long Seq, DateTimeOffset At, string Type, string Summary, string Snippet);
