using System.Collections.Immutable;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// Fixed samples of everything <c>SessionEventSerializer</c> writes. <see cref="Full"/> sets every optional
/// field (and is what the golden files pin); <see cref="Minimal"/> leaves them null or empty.
/// Never change a sample casually: the golden files are its bytes.
/// </summary>
public static class SerializationSamples
{
    /// <summary>A UTC instant with sub-millisecond ticks, so the golden files pin the full precision.</summary>
    public static readonly DateTimeOffset At = new DateTimeOffset(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero).AddTicks(7_932);

    public static readonly ImmutableSortedDictionary<string, string> Env = ImmutableSortedDictionary<string, string>.Empty
        .Add("ANTHROPIC_BASE_URL", "http://127.0.0.1:8080")
        .Add("GIT_AUTHOR_NAME", "Zoë \"bot\" Ünïcødé ✓")
        .Add("_under", "")
        .Add("a-lower", "x=y;z");

    public static readonly ErrorContext Error = new(
        ErrorKind.ModelApiError,
        "The model API answered 529 three times.",
        1,
        15,
        "error: overloaded\nretrying...\n",
        "{\"type\":\"result\",\"is_error\":true}",
        "The model API answered with errors. Check its status and the stderr tail, then run `sessionctl resume s-1`.");

    public static readonly LaunchSpec Launch = new(
        "claude", "Fix the failing build.\nThen run the tests.", "/work/repo", "claude-sonnet-4", true, 7, Env, PermissionMode.Ask,
        new ResumeLink("s-20250313-0042", "6f1c2b7e-agent-conv"));

    /// <summary>A notification with every optional field set (a failure's, with a question and a permission too: a sample, not a real one).</summary>
    public static readonly Notification FullNotification = new(
        NotificationKind.Failed,
        "s-20250314-0001",
        "fix-the-build ✓",
        "claude",
        "failed",
        "ops-webhook",
        "❌ Session fix-the-build ✓ (s-20250314-0001) failed: The model API answered 529 three times.\nResume: sessionctl resume s-20250314-0001",
        Error,
        "Shall I push to main? ✓",
        new PermissionRequest("req-7", "Bash", "rm -rf build/ ✓", At.AddSeconds(9)),
        ["sessionctl resume s-20250314-0001", "sessionctl respond s-20250314-0001 \"<your answer>\""],
        "…and then the tests failed again. ✓",
        3,
        12.3450m,
        new TokenUsage(1_234_567, 89_012, 3_456_789_012_345, 6_789),
        "node-a.sessioncluster:4053",
        TimeSpan.FromMinutes(6).Add(TimeSpan.FromTicks(5_897_932)),
        At.AddSeconds(10));

    /// <summary>
    /// What Golden/before-launch-spec/*.bin (the files of the versions before the launch spec, permission modes and
    /// permission requests) mean today: the launch's flat fields as a <see cref="LaunchSpec"/> in mode ask, the old
    /// "permission-request" waiting reason as <see cref="WaitingReason.Permission"/>, no denials. The same samples as
    /// those versions had; never change them.
    /// </summary>
    public static IReadOnlyDictionary<string, object> BeforeLaunchSpec { get; } = new Dictionary<string, object>
    {
        ["SL"] = new SessionLaunched("s-20250314-0001", "fix-the-build", Launch, At),
        ["TC"] = new TurnCompleted(0.123456789012345678m, new TokenUsage(1_234_567, 89_012, 3_456_789_012_345, 6_789), At.AddSeconds(3)),
        ["WFI"] = new WaitingForInput(WaitingReason.Permission, At.AddSeconds(4)),
        ["SS"] = new SessionState
        {
            Launch = new LaunchSpec("codex", "Fix the failing build.", "/work/repo", "gpt-5-codex", true, 5, Env, PermissionMode.Ask, new ResumeLink("s-20250313-0042", "")),
            Id = "s-20250314-0001",
            Name = "fix-the-build",
            Model = "gpt-5-codex",
            Status = SessionStatus.Failed,
            WaitingReason = WaitingReason.Question,
            TurnsCompleted = 3,
            RespondCount = 4,
            AutoRespondCount = 2,
            CostUsd = 12.3450m,
            Usage = new TokenUsage(10, 20, 30, 40),
            AgentSessionId = "thread-0199",
            ResumedAs = ["s-20250314-0002", "s-20250314-0003"],
            Node = "node-b",
            Pid = 777,
            ProcessCount = 2,
            LastExitCode = 137,
            LastSignal = 9,
            CreatedAt = At,
            UpdatedAt = At.AddMinutes(5),
            FinishedAt = At.AddMinutes(6),
            Error = Error with { Kind = ErrorKind.CrashBySignal, ExitCode = null, Signal = 9 },
        },
    };

    /// <summary>One sample per manifest with every optional field set: the golden samples.</summary>
    public static IReadOnlyDictionary<string, object> Full { get; } = new Dictionary<string, object>
    {
        ["SL"] = ((SessionLaunched)BeforeLaunchSpec["SL"]) with { Spec = Launch with { PermissionMode = PermissionMode.AcceptEdits } },
        ["APS"] = new AgentProcessStarted("node-a.sessioncluster:4053", 41_234, At.AddSeconds(1)),
        ["ASI"] = new AgentSessionIdentified("6f1c2b7e-agent-conv-2", "claude-opus-4", At.AddSeconds(2)),
        ["TC"] = ((TurnCompleted)BeforeLaunchSpec["TC"]) with { PermissionDenials = 3 },
        ["WFI"] = new WaitingForInput(WaitingReason.Question, At.AddSeconds(4), "Shall I push to main? ✓"),
        ["RSP"] = new Responded("Yes, go ahead. ✓", true, At.AddSeconds(5)),
        ["APX"] = new AgentProcessExited(-1, 9, At.AddSeconds(6)),
        ["SC"] = new SessionCompleted(At.AddSeconds(7)),
        ["SI"] = new SessionInterrupted(At.AddSeconds(8)),
        ["SK"] = new SessionKilled(At.AddSeconds(9)),
        ["SP"] = new SessionPruned(At.AddSeconds(30)),
        ["SF"] = new SessionFailed(Error, At.AddSeconds(10)),
        ["SRA"] = new SessionResumedAs("s-20250314-0002", At.AddSeconds(11)),
        ["AFA"] = new AgentFactApplied(9_876_543_210, At.AddSeconds(12)),
        ["SS"] = ((SessionState)BeforeLaunchSpec["SS"]) with
        {
            Launch = ((SessionState)BeforeLaunchSpec["SS"]).Launch with
            {
                Model = "gpt-5-codex-launch",
                PermissionMode = PermissionMode.Plan,
                ResumedFrom = new ResumeLink("s-20250313-0042", "thread-0042"),
            },
            PendingPermission = new PermissionRequest("req-7", "Bash", "rm -rf build/ ✓", At.AddMinutes(4)),
            UndeliveredPermissionAnswers = [new PermissionAnswer("req-6", false, "not outside the repo", true)],
            PermissionsAllowed = 4,
            PermissionsDenied = 2,
            RecentPermissions =
            [
                new PermissionDecision("req-5", "Edit", "src/a.cs", true, null, "api", At.AddMinutes(1), At.AddMinutes(2)),
                new PermissionDecision("req-6", "Bash", "curl evil", false, "not outside the repo", "timeout", At.AddMinutes(2), At.AddMinutes(3)),
            ],
            Question = "Which branch?",
            LastTurnDenials = 1,
            ApiRetry = new ApiRetry(3, "HTTP 529 (overloaded); retry 3 of 10 in 2000 ms", At.AddMinutes(3)),
        },
        ["PRQ"] = new PermissionRequested("req-7", "Bash", "rm -rf build/ ✓", At.AddSeconds(13)),
        ["PDC"] = new PermissionDecided("req-7", false, "not that directory", true, "api", At.AddSeconds(14)),
        ["PAD"] = new PermissionAnswerDelivered("req-7", At.AddSeconds(15)),
        ["ARY"] = new ApiRetrying(2, "HTTP 500; retry 2 of 10 in 1000 ms", At.AddSeconds(16)),
        ["RSL"] = new ResumedSessionLaunched("s-20250314-0002", At.AddSeconds(17), "session s-20250314-0002 already exists ✓"),
        ["NR"] = new NotificationRaised(FullNotification, At.AddSeconds(10)),
    };


    /// <summary>
    /// The fields written since notifications: the launch's channel (LaunchSpec field 11), the turn's last text
    /// (TurnCompleted field 5) and the state's (snapshot field 47). Pinned in Golden/last-text-and-channel/;
    /// Golden/SL.bin, TC.bin and SS.bin, unchanged, are the forms before them.
    /// </summary>
    public static IReadOnlyDictionary<string, object> LastTextAndChannel { get; } = new Dictionary<string, object>
    {
        ["SL"] = (SessionLaunched)Full["SL"] with { Spec = ((SessionLaunched)Full["SL"]).Spec with { Channel = "ops-webhook ✓" } },
        ["TC"] = (TurnCompleted)Full["TC"] with { LastText = "All 42 tests pass now. Shall I push? ✓" },
        ["SS"] = (SessionState)Full["SS"] with
        {
            Launch = ((SessionState)Full["SS"]).Launch with { Channel = "ops-webhook ✓" },
            LastText = "All 42 tests pass now. Shall I push? ✓",
        },
    };

    /// <summary>
    /// A launch with auto-resume (LaunchSpec field 13), in the event and in the snapshot. Pinned in Golden/auto-resume/;
    /// Golden/SL.bin and SS.bin, unchanged, are the forms before it and read back without auto-resume.
    /// </summary>
    public static IReadOnlyDictionary<string, object> AutoResume { get; } = new Dictionary<string, object>
    {
        ["SL"] = (SessionLaunched)Full["SL"] with { Spec = ((SessionLaunched)Full["SL"]).Spec with { AutoResume = true } },
        ["SS"] = (SessionState)Full["SS"] with { Launch = ((SessionState)Full["SS"]).Launch with { AutoResume = true } },
    };

    /// <summary>
    /// A resume the session launches itself: its prompt in the event (field 3) and the launch still owed in the snapshot
    /// (field 46). Pinned in Golden/resume-launch/; Golden/SRA.bin and SS.bin, unchanged, are the forms before them.
    /// </summary>
    public static IReadOnlyDictionary<string, object> ResumeLaunch { get; } = new Dictionary<string, object>
    {
        ["SRA"] = new SessionResumedAs("s-20250314-0002", At.AddSeconds(11), "Now write the docs ✓"),
        ["SS"] = (SessionState)Full["SS"] with
        {
            UnlaunchedResumes =
            [
                new PendingResume("s-20250314-0002", "Continue where you left off.", At.AddMinutes(5)),
                new PendingResume("s-20250314-0003", "Now write the docs ✓", At.AddMinutes(6)),
            ],
        },
    };

    /// <summary>
    /// The state of a session whose agent asked several things at once: requests queued behind the pending one and
    /// more than one undelivered answer (snapshot fields 44 and 45). Pinned in Golden/permission-queue/.
    /// </summary>
    public static IReadOnlyDictionary<string, object> PermissionQueue { get; } = new Dictionary<string, object>
    {
        ["SS"] = (SessionState)Full["SS"] with
        {
            QueuedPermissions =
            [
                new PermissionRequest("req-8", "Edit", "src/b.cs ✓", At.AddMinutes(4).AddSeconds(1)),
                new PermissionRequest("req-9", "Write", "notes.md", At.AddMinutes(4).AddSeconds(2)),
            ],
            UndeliveredPermissionAnswers =
            [
                new PermissionAnswer("req-6", false, "not outside the repo", true),
                new PermissionAnswer("req-5b", true, null, false),
            ],
        },
    };

    /// <summary>Every type again with every optional field null, every collection and string empty, every number zero.</summary>
    public static IReadOnlyDictionary<string, object> Minimal { get; } = new Dictionary<string, object>
    {
        ["SL"] = new SessionLaunched("", "", new LaunchSpec("", "", "", null, false, 0, ImmutableSortedDictionary<string, string>.Empty), default),
        ["APS"] = new AgentProcessStarted("", 0, default),
        ["ASI"] = new AgentSessionIdentified("", null, default),
        ["TC"] = new TurnCompleted(0m, TokenUsage.Zero, default),
        ["WFI"] = new WaitingForInput(WaitingReason.None, default),
        ["RSP"] = new Responded("", false, default),
        ["APX"] = new AgentProcessExited(null, null, default),
        ["SC"] = new SessionCompleted(default),
        ["SI"] = new SessionInterrupted(default),
        ["SK"] = new SessionKilled(default),
        ["SP"] = new SessionPruned(default),
        ["SF"] = new SessionFailed(new ErrorContext(ErrorKind.Auth, "", null, null, "", "", ""), default),
        ["SRA"] = new SessionResumedAs("", default),
        ["AFA"] = new AgentFactApplied(0, default),
        ["SS"] = new SessionState { Id = "", Name = "", Launch = new LaunchSpec("", "", "", null, false, 0, ImmutableSortedDictionary<string, string>.Empty) },
        ["PRQ"] = new PermissionRequested("", "", "", default),
        ["PDC"] = new PermissionDecided("", false, null, false, "", default),
        ["PAD"] = new PermissionAnswerDelivered("", default),
        ["ARY"] = new ApiRetrying(0, "", default),
        ["RSL"] = new ResumedSessionLaunched("", default),
        ["NR"] = new NotificationRaised(
            new Notification(NotificationKind.WaitingForInput, "", "", "", "", null, "", null, null, null, [], null, 0, 0m, TokenUsage.Zero, null, null, default),
            default),
    };

    /// <summary>Both sets, keyed "SL/full", "SL/minimal", ...</summary>
    public static IReadOnlyDictionary<string, object> All { get; } =
        Full.Select(kv => KeyValuePair.Create($"{kv.Key}/full", kv.Value))
            .Concat(Minimal.Select(kv => KeyValuePair.Create($"{kv.Key}/minimal", kv.Value)))
            .ToDictionary();
}
