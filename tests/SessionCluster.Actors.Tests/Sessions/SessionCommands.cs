using System.Collections.Immutable;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>Envelopes for the commands these tests send, with a fixed clock.</summary>
public static class SessionCommands
{
    public static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static SessionCommandEnvelope Launch(string id, bool multiTurn = true) => new(id, new LaunchSession(
        id, "name-" + id, new LaunchSpec("claude", "say hello", "/tmp", null, multiTurn, 10,
        ImmutableSortedDictionary<string, string>.Empty.Add("ANTHROPIC_API_KEY", "sk-secret")), At));

    public static SessionCommandEnvelope Started(string id, int pid = 4242) => new(id, new RecordProcessStarted("node-a", pid, At));

    public static SessionCommandEnvelope Turn(string id, decimal cost) =>
        new(id, new RecordTurnResult(cost, new TokenUsage(10, 5, 0, 0), false, WaitingReason.NextTurn, At));

    public static SessionCommandEnvelope Respond(string id, string message = "go on", bool auto = false) =>
        new(id, new Domain.Respond(message, auto, At));
}
