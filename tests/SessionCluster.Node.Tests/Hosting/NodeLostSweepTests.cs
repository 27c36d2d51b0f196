using Akka.Actor;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class NodeLostSweepTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Here = "node-a";
    private static readonly DateTimeOffset Started = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static SessionState Session(string id, SessionStatus status, string? node, DateTimeOffset updatedAt) => new()
    {
        Id = id,
        Name = id,
        Agent = "claude",
        Prompt = "p",
        Workdir = "/w",
        Status = status,
        Node = node,
        CreatedAt = updatedAt.AddMinutes(-1),
        UpdatedAt = updatedAt,
    };

    [Fact]
    public void Only_live_sessions_of_this_node_or_of_none_updated_before_the_start_are_marked_lost()
    {
        var before = Started.AddSeconds(-1);
        var sessions = new[]
        {
            Session("running-here", SessionStatus.Running, Here, before),
            Session("starting-nowhere", SessionStatus.Starting, null, before),
            Session("waiting-here", SessionStatus.WaitingForInput, Here, Started.AddDays(-3)),
            Session("running-elsewhere", SessionStatus.Running, "node-b", before),
            Session("running-here-after-start", SessionStatus.Running, Here, Started.AddMilliseconds(1)),
            Session("running-here-at-start", SessionStatus.Running, Here, Started),
            Session("completed-here", SessionStatus.Completed, Here, before),
            Session("failed-here", SessionStatus.Failed, Here, before),
            Session("killed-nowhere", SessionStatus.Killed, null, before),
            Session("interrupted-here", SessionStatus.Interrupted, Here, before),
        };
        var region = CreateTestProbe();
        var sweep = new NodeLostSweep(Here, Started);

        sweep.Run(sessions, region.Ref);

        var marked = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var envelope = region.ExpectMsg<SessionCommandEnvelope>();
            var command = Assert.IsType<MarkNodeLost>(envelope.Command);
            Assert.Equal(Here, command.Node);
            Assert.InRange(command.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
            marked.Add(envelope.SessionId);
        }

        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(["running-here", "starting-nowhere", "waiting-here"], marked.Order(StringComparer.Ordinal));
        Assert.True(sweep.Done);
    }

    [Fact]
    public void Done_flips_to_true_when_the_sweep_has_run()
    {
        var sweep = new NodeLostSweep(Here, Started);
        Assert.False(sweep.Done);

        sweep.Run([Session("running-here", SessionStatus.Running, Here, Started.AddSeconds(-5))], CreateTestProbe().Ref);

        Assert.True(sweep.Done);
    }

    [Fact]
    public void Done_flips_to_true_with_nothing_to_sweep()
    {
        var region = CreateTestProbe();
        var sweep = new NodeLostSweep(Here, Started);

        sweep.Run([], region.Ref);

        Assert.True(sweep.Done);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_sweep_works_with_nobody_listening()
    {
        var sweep = new NodeLostSweep(Here, Started);

        sweep.Run([Session("running-here", SessionStatus.Running, Here, Started.AddSeconds(-5))], ActorRefs.Nobody);

        Assert.True(sweep.Done);
    }
}
