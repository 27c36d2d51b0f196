using System.Collections.Immutable;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Domain.Tests.Notifications;

/// <summary>
/// A session driven as the entity drives it: every command through <see cref="Session.Decide"/>, its events through
/// <see cref="NotificationRules.WithNotifications"/>, and everything that returns through <see cref="Session.Apply"/>.
/// </summary>
internal sealed class NotifiedSession
{
    public const string Id = "abc123";
    public const string Name = "fix-tests";
    public const string Channel = "ops-webhook";

    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly ImmutableSortedDictionary<string, string> Env =
        ImmutableSortedDictionary<string, string>.Empty
            .Add("GITHUB_TOKEN", "ghp_s3cr3tV4lue")
            .Add("PROJECT", "demo");

    private readonly IReadOnlySet<NotificationKind> kinds;
    private readonly List<SessionEvent> journal = [];

    private NotifiedSession(IReadOnlySet<NotificationKind> kinds) => this.kinds = kinds;

    public SessionState? State { get; private set; }

    public SessionState S => State ?? throw new InvalidOperationException("no session launched");

    /// <summary>Everything persisted so far, notifications included.</summary>
    public IReadOnlyList<SessionEvent> Journal => journal;

    public IEnumerable<Notification> Notifications => journal.OfType<NotificationRaised>().Select(r => r.Notification);

    public DateTimeOffset Now { get; private set; } = T0;

    public static IReadOnlySet<NotificationKind> AllKinds { get; } = Enum.GetValues<NotificationKind>().ToHashSet();

    public static LaunchSession LaunchCommand(bool multiTurn = true, string agent = "claude", string? channel = Channel) =>
        new(Id, Name, new LaunchSpec(agent, "Make the failing tests pass", "/work/repo", "sonnet", multiTurn, 10, Env, PermissionMode.Ask,
            Channel: channel), T0);

    /// <summary>Launched (and, unless <paramref name="started"/> is false, running on node-a with agent conversation conv-1).</summary>
    public static NotifiedSession Running(IReadOnlySet<NotificationKind>? kinds = null, bool multiTurn = true, string agent = "claude", bool started = true)
    {
        var session = new NotifiedSession(kinds ?? NotificationKinds.Default);
        session.Accept(LaunchCommand(multiTurn, agent));
        if (started)
        {
            session.Accept(at => new RecordProcessStarted("node-a", 4242, at));
            session.Accept(at => new RecordAgentSessionId("conv-1", "sonnet-4", at));
        }

        return session;
    }

    /// <summary>Running, then a turn that ends with the agent waiting for its next turn.</summary>
    public static NotifiedSession Waiting(IReadOnlySet<NotificationKind>? kinds = null)
    {
        var session = Running(kinds);
        session.Accept(at => Turn(at, "I fixed the first test."));
        return session;
    }

    public static RecordTurnResult Turn(DateTimeOffset at, string? lastText, WaitingReason next = WaitingReason.NextTurn, string? question = null,
        decimal cost = 0.25m, TokenUsage? usage = null) =>
        new(cost, usage ?? new TokenUsage(1200, 340, 0, 0), false, next, at, question, 0, lastText);

    /// <summary>The clock moves one minute per command.</summary>
    public DateTimeOffset Tick() => Now = Now.AddMinutes(1);

    /// <summary>Decides, adds the notifications, applies and journals what is accepted; returns what would be persisted.</summary>
    public IReadOnlyList<SessionEvent> Send(SessionCommand command)
    {
        var decision = Session.Decide(State, command);
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        var persisted = NotificationRules.WithNotifications(State, decision.Events, kinds);
        foreach (var @event in persisted)
        {
            State = Session.Apply(State, @event);
            journal.Add(@event);
        }

        return persisted;
    }

    public IReadOnlyList<SessionEvent> Send(Func<DateTimeOffset, SessionCommand> make) => Send(make(Tick()));

    private void Accept(SessionCommand command) => Send(command);

    private void Accept(Func<DateTimeOffset, SessionCommand> make) => Send(make);
}
