namespace SessionCluster.Actors.EventLog;

/// <summary>A session's event log in two numbers: the last sequence number given, and how many entries were dropped.</summary>
public sealed record EventLogHead(long LastSeq, long Dropped);
