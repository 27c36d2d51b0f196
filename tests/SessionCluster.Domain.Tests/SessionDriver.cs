using System.Collections.Immutable;

namespace SessionCluster.Domain.Tests;

/// <summary>
/// Drives a session through the real path: every command goes through <see cref="Session.Decide"/>,
/// every accepted event through <see cref="Session.Apply"/>. Nothing sets a status by hand.
/// </summary>
internal sealed class SessionDriver
{
    public const string Id = "s-1";
    public const string Node = "node-a";
    public const int Pid = 4242;
    public const string AgentSessionId = "conv-1";

    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly ImmutableSortedDictionary<string, string> Env =
        ImmutableSortedDictionary<string, string>.Empty
            .Add("ANTHROPIC_API_KEY", "sk-ant-test-secret")
            .Add("PROJECT", "demo");

    public static readonly TokenUsage TurnUsage = new(100, 20, 5, 1);

    public static readonly SessionStatus[] AllStatuses = Enum.GetValues<SessionStatus>();

    private readonly List<SessionEvent> history = [];

    private SessionDriver(DateTimeOffset now) => Now = now;

    public SessionState? State { get; private set; }

    /// <summary>The state, which must exist.</summary>
    public SessionState S => State ?? throw new InvalidOperationException("no session launched");

    public IReadOnlyList<SessionEvent> History => history;

    public DateTimeOffset Now { get; private set; }

    /// <summary>A fresh driver with no session.</summary>
    public static SessionDriver Empty() => new(T0);

    public static LaunchSession LaunchCommand(
        string id = Id,
        string agent = "claude",
        bool multiTurn = true,
        int maxAutoResponds = SessionState.DefaultMaxAutoResponds,
        ResumeLink? resumedFrom = null,
        ImmutableSortedDictionary<string, string>? env = null,
        DateTimeOffset? at = null,
        PermissionMode permissionMode = PermissionMode.Ask,
        bool autoResume = false) =>
        new(id, "fix the bug", new LaunchSpec(agent, "Fix the failing test", "/work/repo", "sonnet", multiTurn, maxAutoResponds,
            env ?? Env, permissionMode, resumedFrom, AutoResume: autoResume), at ?? T0);

    public static AgentExit Exit(
        int? exitCode,
        int? signal = null,
        ErrorKind? observed = null,
        string? observedMessage = null,
        string stderr = "",
        string output = "") =>
        new(exitCode, signal, stderr, output, observed, observedMessage);

    /// <summary>The clock moves one minute per command, so every event has its own time.</summary>
    public DateTimeOffset Tick() => Now = Now.AddMinutes(1);

    /// <summary>Decide, then apply whatever was accepted.</summary>
    public Decision Send(SessionCommand command)
    {
        var decision = Session.Decide(State, command);
        foreach (var @event in decision.Events)
        {
            State = Session.Apply(State, @event);
            history.Add(@event);
        }

        return decision;
    }

    public Decision Send(Func<DateTimeOffset, SessionCommand> make) => Send(make(Tick()));

    /// <summary>Send a command that must be accepted.</summary>
    public SessionState Accept(Func<DateTimeOffset, SessionCommand> make)
    {
        var decision = Send(make);
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        return S;
    }

    public static SessionDriver Launched(
        string id = Id,
        string agent = "claude",
        bool multiTurn = true,
        int maxAutoResponds = SessionState.DefaultMaxAutoResponds,
        ResumeLink? resumedFrom = null,
        bool autoResume = false)
    {
        var driver = new SessionDriver(T0);
        var decision = driver.Send(LaunchCommand(id, agent, multiTurn, maxAutoResponds, resumedFrom, autoResume: autoResume));
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        Assert.Equal(SessionStatus.Starting, driver.S.Status);
        return driver;
    }

    /// <summary>
    /// A session brought into <paramref name="status"/> by real commands:
    /// starting = launched; running = process started on node-a and agent conversation conv-1 identified;
    /// waiting-for-input = running + a successful turn (multi-turn only);
    /// completed = waiting + clean exit (multi-turn) or a single-turn result (pid still set);
    /// failed = running + exit code 1 (pid cleared); killed / interrupted = running + kill / interrupt (pid still set).
    /// </summary>
    public static SessionDriver In(
        SessionStatus status,
        bool multiTurn = true,
        string agent = "claude",
        int maxAutoResponds = SessionState.DefaultMaxAutoResponds,
        string id = Id,
        bool autoResume = false)
    {
        var driver = Launched(id, agent, multiTurn, maxAutoResponds, autoResume: autoResume);
        if (status != SessionStatus.Starting)
        {
            driver.ToRunning();
        }

        switch (status)
        {
            case SessionStatus.Starting:
            case SessionStatus.Running:
                break;
            case SessionStatus.WaitingForInput:
                Assert.True(multiTurn, "only a multi-turn session waits for input");
                driver.Accept(at => TurnResult(at));
                break;
            case SessionStatus.Completed when multiTurn:
                driver.Accept(at => TurnResult(at));
                driver.Accept(at => new RecordProcessExit(Exit(0), at));
                break;
            case SessionStatus.Completed:
                driver.Accept(at => TurnResult(at));
                break;
            case SessionStatus.Failed:
                driver.Accept(at => new RecordProcessExit(Exit(1, stderr: "boom"), at));
                break;
            case SessionStatus.Killed:
                driver.Accept(at => new Kill(at));
                break;
            case SessionStatus.Interrupted:
                driver.Accept(at => new Interrupt(at));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, driver.S.Status);
        return driver;
    }

    public static RecordTurnResult TurnResult(
        DateTimeOffset at,
        decimal totalCostUsd = 0.10m,
        TokenUsage? usage = null,
        bool isError = false,
        WaitingReason next = WaitingReason.None,
        string? question = null,
        int permissionDenials = 0) =>
        new(totalCostUsd, usage ?? TurnUsage, isError, next, at, question, permissionDenials);

    private void ToRunning()
    {
        Accept(at => new RecordProcessStarted(Node, Pid, at));
        Accept(at => new RecordAgentSessionId(AgentSessionId, "sonnet-4", at));
        Assert.Equal(SessionStatus.Running, S.Status);
    }

    /// <summary>From waiting-for-input: respond, then a successful turn brings it back to waiting.</summary>
    public Decision RespondAndFinishTurn(string message, bool auto)
    {
        var decision = Send(at => new Respond(message, auto, at));
        if (decision.IsAccepted)
        {
            Assert.Equal(SessionStatus.Running, S.Status);
            Accept(at => TurnResult(at));
            Assert.Equal(SessionStatus.WaitingForInput, S.Status);
        }

        return decision;
    }

    /// <summary>All events so far, replayed from nothing.</summary>
    public SessionState Replay() => Replay(history);

    public static SessionState Replay(IEnumerable<SessionEvent> events)
    {
        SessionState? state = null;
        foreach (var @event in events)
        {
            state = Session.Apply(state, @event);
        }

        return state ?? throw new InvalidOperationException("empty history");
    }
}
