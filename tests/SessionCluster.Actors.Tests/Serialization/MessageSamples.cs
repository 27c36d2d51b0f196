using System.Collections.Immutable;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Tests.Serialization.SerializationSamples;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// Fixed samples of everything <c>SessionMessageSerializer</c> writes: every message by manifest, and every
/// <see cref="SessionCommand"/> by type (they travel inside an envelope or a fact). <c>Full</c> sets every optional
/// field, <c>Minimal</c> leaves them null, empty or zero.
/// </summary>
public static class MessageSamples
{
    public static IReadOnlyDictionary<System.Type, SessionCommand> FullCommands { get; } = new SessionCommand[]
    {
        new LaunchSession("s-1", "fix-the-build", new LaunchSpec("claude", "Fix it.\nThen test.", "/work/repo", "claude-sonnet-4", true, 7, Env,
            PermissionMode.Bypass, new ResumeLink("s-0", "6f1c2b7e-agent-conv"), "ops-webhook ✓"), At),
        new RecordProcessStarted("node-a.sessioncluster:4053", 41_234, At.AddSeconds(1), "node-id-a", 987_654_321),
        new RecordAgentSessionId("6f1c2b7e-agent-conv-2", "claude-opus-4", At.AddSeconds(2)),
        new RecordTurnResult(0.123456789012345678m, new TokenUsage(1_234_567, 89_012, 3_456_789_012_345, 6_789), true,
            WaitingReason.Question, At.AddSeconds(3), "Shall I push? ✓", 2, "Tests pass. Shall I push? ✓"),
        new RecordProcessExit(new AgentExit(-1, 9, "error: overloaded\n", "{\"type\":\"result\"}", ErrorKind.Auth, "authentication_failed"),
            At.AddSeconds(4)),
        new RecordLaunchFailure(ErrorKind.AgentBinaryMissing, "claude: not found", "node-b", At.AddSeconds(5)),
        new RecordAgentFact(42, new RecordTurnResult(1.50m, new TokenUsage(1, 2, 3, 4), false, WaitingReason.NextTurn, At), At.AddSeconds(6)),
        new Respond("Yes, go ahead. ✓", true, At.AddSeconds(7)),
        new Interrupt(At.AddSeconds(8), StopAllAgents.NodeStopped),
        new Kill(At.AddSeconds(9)),
        new Prune(At.AddSeconds(30), ["s-1", "s-2"]),
        new Resume("s-2", At.AddSeconds(10), "go on ✓"),
        new MarkNodeLost("node-c", At.AddSeconds(11), "node-id-c"),
        new RecordPermissionRequest("req-1", "Bash", "touch done.txt ✓", At.AddSeconds(12)),
        new AnswerPermission("req-1", false, "not that file", true, AnswerPermission.ByApi, At.AddSeconds(13)),
        new RecordPermissionAnswered("req-1", At.AddSeconds(14)),
        new RecordQuestion("Which branch? ✓", At.AddSeconds(15)),
        new RecordApiRetry(3, "HTTP 529; retry 3 of 10 in 2000 ms", At.AddSeconds(16)),
    }.ToDictionary(c => c.GetType());

    public static IReadOnlyDictionary<System.Type, SessionCommand> MinimalCommands { get; } = new SessionCommand[]
    {
        new LaunchSession("", "", new LaunchSpec("", "", "", null, false, 0, ImmutableSortedDictionary<string, string>.Empty), default),
        new RecordProcessStarted("", 0, default),
        new RecordAgentSessionId("", null, default),
        new RecordTurnResult(0m, TokenUsage.Zero, false, WaitingReason.None, default),
        new RecordProcessExit(new AgentExit(null, null, "", "", null, null), default),
        new RecordLaunchFailure(ErrorKind.NodeLost, "", "", default),
        new RecordAgentFact(0, new Kill(default), default),
        new Respond("", false, default),
        new Interrupt(default),
        new Kill(default),
        new Prune(default),
        new Resume("", default),
        new MarkNodeLost("", default),
        new RecordPermissionRequest("", "", "", default),
        new AnswerPermission(null, false, null, false, "", default),
        new RecordPermissionAnswered("", default),
        new RecordQuestion("", default),
        new RecordApiRetry(0, "", default),
    }.ToDictionary(c => c.GetType());

    /// <summary>One sample per manifest with every optional field set.</summary>
    public static IReadOnlyDictionary<string, object> Full { get; } = new Dictionary<string, object>
    {
        ["SCE"] = new SessionCommandEnvelope("s-1", FullCommands[typeof(LaunchSession)]),
        ["GS"] = new GetSession("s-1"),
        ["FCT"] = new SessionFact("s-1", 3, FullCommands[typeof(RecordProcessExit)]),
        ["SA"] = new SessionAccepted("s-20250314-0001", (SessionState)SerializationSamples.Full["SS"]),
        ["SRJ"] = new SessionRejected("s-1", new Rejection(RejectionCode.AutoRespondCapReached, "cap of 7 auto-responds reached")),
        ["STA"] = new StartAgent("s-1", "claude", new AgentLaunchRequest("s-1", new LaunchSpec("claude", "Fix it.", "/work/repo", "claude-sonnet-4", true, 4, Env, PermissionMode.Plan, new ResumeLink("s-0", "6f1c2b7e"), "ops-webhook"))),
        ["SIN"] = new SendInput("s-1", "next please ✓"),
        ["AAP"] = new AnswerAgentPermission("s-1", "req-1", false, "not outside the repo ✓", true),
        ["STP"] = new StopAgent("s-1", StopMode.Kill, 41_234, 987_654_321),
        ["ANR"] = new AgentNotRunning("s-1"),
        ["SAA"] = new StopAllAgents(StopAllAgents.NodeStopped),
        ["AST"] = new AgentsStopped(3),
        ["GRA"] = GetRunningAgents.Instance,
        ["RA"] = new RunningAgents(["s-1", "s-2"]),
        ["NP"] = new NotificationPersisted("s-1:12", FullNotification),
        ["GCH"] = GetChannelHealth.Instance,
        ["CHR"] = new ChannelHealthReport([
            new ChannelHealth("ops ✓", "webhook", false, true, At, At.AddSeconds(1), "HTTP 503 ✓", 2, 40, 3),
            new ChannelHealth("log", "log", true, false, At.AddSeconds(2), null, null, 0, 1, 0),
        ]),
        ["LN"] = new ListNotifications("s-1", 50),
        ["NL"] = new NotificationList([
            new NotificationRecord("s-1:12", "s-1", NotificationKind.NodeLost, "log", DeliveryState.FallbackDelivered, 5, "HTTP 503 ✓", At, At.AddSeconds(3)),
            new NotificationRecord("s-2:3", "s-2", NotificationKind.WaitingForInput, "ops", DeliveryState.FailedRetrying, 1, null, At.AddSeconds(4), null),
        ]),
        ["STN"] = new SendTestNotification("ops ✓"),
        ["TNR"] = new TestNotificationResult("ops", "test:5f2c", false, "HTTP 500 ✓"),
        ["FN"] = new ForgetNotifications(["s-1", "s-2"]),
    };

    /// <summary>Every message again with every optional field null, every collection and string empty, every number zero.</summary>
    public static IReadOnlyDictionary<string, object> Minimal { get; } = new Dictionary<string, object>
    {
        ["SCE"] = new SessionCommandEnvelope("", MinimalCommands[typeof(Kill)]),
        ["GS"] = new GetSession(""),
        ["FCT"] = new SessionFact("", 0, MinimalCommands[typeof(RecordProcessStarted)]),
        ["SA"] = new SessionAccepted("", (SessionState)SerializationSamples.Minimal["SS"]),
        ["SRJ"] = new SessionRejected("", new Rejection(RejectionCode.UnknownSession, "")),
        ["STA"] = new StartAgent("", "", new AgentLaunchRequest("", new LaunchSpec("", "", "", null, false, 0, ImmutableSortedDictionary<string, string>.Empty))),
        ["SIN"] = new SendInput("", ""),
        ["AAP"] = new AnswerAgentPermission("", "", false, null, false),
        ["STP"] = new StopAgent("", StopMode.Interrupt),
        ["ANR"] = new AgentNotRunning(""),
        ["SAA"] = new StopAllAgents(""),
        ["AST"] = new AgentsStopped(0),
        ["GRA"] = new GetRunningAgents(),
        ["RA"] = new RunningAgents([]),
        ["NP"] = new NotificationPersisted("", ((NotificationRaised)SerializationSamples.Minimal["NR"]).Notification),
        ["GCH"] = new GetChannelHealth(),
        ["CHR"] = new ChannelHealthReport([]),
        ["LN"] = new ListNotifications(null, 0),
        ["NL"] = new NotificationList([]),
        ["STN"] = new SendTestNotification(""),
        ["TNR"] = new TestNotificationResult("", "", false, null),
        ["FN"] = new ForgetNotifications([]),
    };

    /// <summary>Both sets, keyed "SCE/full", "SCE/minimal", ...</summary>
    public static IReadOnlyDictionary<string, object> All { get; } =
        Full.Select(kv => KeyValuePair.Create($"{kv.Key}/full", kv.Value))
            .Concat(Minimal.Select(kv => KeyValuePair.Create($"{kv.Key}/minimal", kv.Value)))
            .ToDictionary();

    /// <summary>Every command, full and minimal, keyed "LaunchSession/full", ...</summary>
    public static IReadOnlyDictionary<string, SessionCommand> AllCommands { get; } =
        FullCommands.Select(kv => KeyValuePair.Create($"{kv.Key.Name}/full", kv.Value))
            .Concat(MinimalCommands.Select(kv => KeyValuePair.Create($"{kv.Key.Name}/minimal", kv.Value)))
            .ToDictionary();
}
