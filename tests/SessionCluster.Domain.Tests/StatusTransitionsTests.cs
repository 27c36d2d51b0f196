namespace SessionCluster.Domain.Tests;

public class StatusTransitionsTests
{
    /// <summary>The table, written out once more by hand: the tests fail if the source table drifts.</summary>
    private static readonly HashSet<(SessionStatus From, SessionStatus To)> Expected =
    [
        (SessionStatus.Starting, SessionStatus.Running),
        (SessionStatus.Starting, SessionStatus.Failed),
        (SessionStatus.Starting, SessionStatus.Killed),
        (SessionStatus.Starting, SessionStatus.Interrupted),
        (SessionStatus.Running, SessionStatus.WaitingForInput),
        (SessionStatus.Running, SessionStatus.Completed),
        (SessionStatus.Running, SessionStatus.Failed),
        (SessionStatus.Running, SessionStatus.Killed),
        (SessionStatus.Running, SessionStatus.Interrupted),
        (SessionStatus.WaitingForInput, SessionStatus.Running),
        (SessionStatus.WaitingForInput, SessionStatus.Completed),
        (SessionStatus.WaitingForInput, SessionStatus.Failed),
        (SessionStatus.WaitingForInput, SessionStatus.Killed),
        (SessionStatus.WaitingForInput, SessionStatus.Interrupted),
    ];

    private static readonly SessionStatus[] Terminal =
        [SessionStatus.Completed, SessionStatus.Failed, SessionStatus.Killed, SessionStatus.Interrupted];

    public static TheoryData<SessionStatus, SessionStatus, bool> AllPairs()
    {
        var data = new TheoryData<SessionStatus, SessionStatus, bool>();
        foreach (var from in Enum.GetValues<SessionStatus>())
        {
            foreach (var to in Enum.GetValues<SessionStatus>())
            {
                data.Add(from, to, Expected.Contains((from, to)));
            }
        }

        return data;
    }

    [Fact]
    public void There_are_seven_statuses_so_49_pairs()
    {
        Assert.Equal(7, Enum.GetValues<SessionStatus>().Length);
        Assert.Equal(49, AllPairs().Count());
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanMove_is_true_exactly_for_the_pairs_of_the_table(SessionStatus from, SessionStatus to, bool allowed)
    {
        Assert.Equal(allowed, StatusTransitions.CanMove(from, to));
    }

    [Fact]
    public void All_lists_exactly_the_allowed_pairs_once_each()
    {
        var all = StatusTransitions.All().ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(Expected.SetEquals(all));
    }

    [Fact]
    public void All_agrees_with_CanMove()
    {
        foreach (var (from, to) in StatusTransitions.All())
        {
            Assert.True(StatusTransitions.CanMove(from, to), $"{from} -> {to}");
        }
    }

    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void Terminal_statuses_have_no_way_out(SessionStatus status)
    {
        Assert.True(StatusTransitions.IsTerminal(status));
        Assert.False(StatusTransitions.IsLive(status));
        Assert.DoesNotContain(StatusTransitions.All(), pair => pair.From == status);
        foreach (var to in Enum.GetValues<SessionStatus>())
        {
            Assert.False(StatusTransitions.CanMove(status, to), $"{status} -> {to}");
        }
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void Live_statuses_are_not_terminal_and_can_always_stop(SessionStatus status)
    {
        Assert.True(StatusTransitions.IsLive(status));
        Assert.False(StatusTransitions.IsTerminal(status));
        Assert.True(StatusTransitions.CanMove(status, SessionStatus.Failed));
        Assert.True(StatusTransitions.CanMove(status, SessionStatus.Killed));
        Assert.True(StatusTransitions.CanMove(status, SessionStatus.Interrupted));
    }

    [Fact]
    public void No_status_moves_to_itself_or_back_to_starting()
    {
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            Assert.False(StatusTransitions.CanMove(status, status), $"{status} -> {status}");
            Assert.False(StatusTransitions.CanMove(status, SessionStatus.Starting), $"{status} -> starting");
        }
    }

    [Fact]
    public void Every_terminal_status_is_reachable_from_every_live_one_but_starting_cannot_complete()
    {
        foreach (var terminal in Terminal)
        {
            Assert.Contains(StatusTransitions.All(), pair => pair.To == terminal);
        }

        Assert.False(StatusTransitions.CanMove(SessionStatus.Starting, SessionStatus.Completed));
        Assert.False(StatusTransitions.CanMove(SessionStatus.Starting, SessionStatus.WaitingForInput));
    }

    [Fact]
    public void SessionState_IsLive_and_IsFinished_follow_the_table()
    {
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            var state = SessionDriver.In(status).S;
            Assert.Equal(StatusTransitions.IsLive(status), state.IsLive);
            Assert.Equal(StatusTransitions.IsTerminal(status), state.IsFinished);
        }
    }
}
