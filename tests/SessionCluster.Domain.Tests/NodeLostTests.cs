namespace SessionCluster.Domain.Tests;

public class NodeLostTests
{
    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_live_session_on_the_lost_node_fails_as_node_lost(SessionStatus status)
    {
        var driver = SessionDriver.In(status);

        var decision = driver.Send(at => new MarkNodeLost(SessionDriver.Node, at));

        var failed = Assert.IsType<SessionFailed>(Assert.Single(decision.Events));
        Assert.Equal(driver.Now, failed.At);
        var state = driver.S;
        Assert.Equal(SessionStatus.Failed, state.Status);
        Assert.Equal(driver.Now, state.FinishedAt);
        Assert.Equal(WaitingReason.None, state.WaitingReason);
        var error = Assert.IsType<ErrorContext>(state.Error);
        Assert.Equal(ErrorKind.NodeLost, error.Kind);
        Assert.Equal("node-lost", error.Kind.ToWire());
        Assert.Equal($"node node-a was lost while the session was {status.ToWire()}", error.Message);
        Assert.Contains("Node node-a", error.Suggestion);
        Assert.Contains("sessionctl resume s-1", error.Suggestion);
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-z")]
    public void A_starting_session_with_no_node_yet_fails_whichever_node_is_lost(string lost)
    {
        var driver = SessionDriver.Launched();
        Assert.Null(driver.S.Node);

        driver.Accept(at => new MarkNodeLost(lost, at));

        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Equal(ErrorKind.NodeLost, driver.S.Error!.Kind);
        Assert.Equal($"node {lost} was lost while the session was starting", driver.S.Error.Message);
        Assert.Contains($"Node {lost}", driver.S.Error.Suggestion);
        // It never reached the agent, so there is nothing to resume: the hint says to launch again.
        Assert.Contains("launch it again", driver.S.Error.Suggestion);
    }

    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void Another_nodes_loss_changes_nothing(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;

        var decision = driver.Send(at => new MarkNodeLost("node-z", at));

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
    }

    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void A_finished_session_is_not_touched_by_a_node_loss(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;

        foreach (var node in new[] { SessionDriver.Node, "node-z" })
        {
            var decision = driver.Send(at => new MarkNodeLost(node, at));
            Assert.True(decision.IsAccepted);
            Assert.Empty(decision.Events);
        }

        Assert.Same(before, driver.S);
    }

    [Fact]
    public void A_second_loss_of_the_same_node_yields_nothing()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => new MarkNodeLost(SessionDriver.Node, at));
        var failed = driver.S;

        Assert.Empty(driver.Send(at => new MarkNodeLost(SessionDriver.Node, at)).Events);
        Assert.Same(failed, driver.S);
    }

    [Fact]
    public void A_session_lost_with_its_node_can_be_resumed_elsewhere()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => new MarkNodeLost(SessionDriver.Node, at));

        var decision = driver.Send(at => new Resume("s-2", at));

        Assert.Equal(new SessionResumedAs("s-2", driver.Now, Session.DefaultResumePrompt), Assert.Single(decision.Events));
    }

    [Fact]
    public void A_session_moved_to_a_new_node_follows_its_latest_node()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);
        driver.Accept(at => new Respond("go", false, at));
        driver.Accept(at => new RecordProcessStarted("node-b", 99, at));

        Assert.Empty(driver.Send(at => new MarkNodeLost(SessionDriver.Node, at)).Events);
        Assert.Equal(SessionStatus.Running, driver.S.Status);

        driver.Accept(at => new MarkNodeLost("node-b", at));
        Assert.Equal(SessionStatus.Failed, driver.S.Status);
    }

    [Fact]
    public void A_lost_cluster_member_fails_only_the_live_sessions_that_recorded_its_node_id()
    {
        var running = SessionDriver.In(SessionStatus.Running).S;
        var onLost = running with { Id = "s-lost", NodeId = "id-a" };
        var waitingOnLost = SessionDriver.In(SessionStatus.WaitingForInput).S with { Id = "s-waiting", NodeId = "id-a" };
        var elsewhere = running with { Id = "s-elsewhere", NodeId = "id-b" };
        var finished = SessionDriver.In(SessionStatus.Completed).S with { Id = "s-done", NodeId = "id-a" };
        // Starting, no process reported: nothing says it was the lost node's; its own node's start-up sweep decides.
        var starting = SessionDriver.Launched().S with { Id = "s-starting" };

        var lost = Session.LostWith([onLost, waitingOnLost, elsewhere, finished, starting], "id-a");

        Assert.Equal(["s-lost", "s-waiting"], lost.Select(s => s.Id));
    }
}
