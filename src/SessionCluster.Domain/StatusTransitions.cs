namespace SessionCluster.Domain;

/// <summary>The one table of which status may follow which. Every status rule starts here.</summary>
public static class StatusTransitions
{
    private static readonly SessionStatus[] Stops = [SessionStatus.Failed, SessionStatus.Killed, SessionStatus.Interrupted];

    private static readonly Dictionary<SessionStatus, HashSet<SessionStatus>> Allowed = new()
    {
        [SessionStatus.Starting] = [SessionStatus.Running, .. Stops],
        [SessionStatus.Running] = [SessionStatus.WaitingForInput, SessionStatus.Completed, .. Stops],
        [SessionStatus.WaitingForInput] = [SessionStatus.Running, SessionStatus.Completed, .. Stops],
        [SessionStatus.Completed] = [],
        [SessionStatus.Failed] = [],
        [SessionStatus.Killed] = [],
        [SessionStatus.Interrupted] = [],
    };

    public static bool CanMove(SessionStatus from, SessionStatus to) => Allowed[from].Contains(to);

    /// <summary>Finished: no status may follow.</summary>
    public static bool IsTerminal(SessionStatus status) => Allowed[status].Count == 0;

    /// <summary>Has (or is about to have) an agent process.</summary>
    public static bool IsLive(SessionStatus status) => !IsTerminal(status);

    public static IEnumerable<(SessionStatus From, SessionStatus To)> All() =>
        Allowed.SelectMany(pair => pair.Value.Select(to => (pair.Key, to)));
}
