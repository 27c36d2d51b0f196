using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Membership;

namespace SessionCluster.Actors.Tests.Membership;

/// <summary>
/// The guard of a one-node (SQLite) cluster, in a real cluster of two actor systems on loopback: this one, the node,
/// and a second one that joins it.
/// </summary>
public sealed class SingleNodeGuardTests() : TestKit(ClusterConfig)
{
    private const string ClusterConfig = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly Address Node = new("akka.tcp", "test", "10.0.0.1", 4053);

    [Fact]
    public async Task A_node_that_joins_is_downed_and_named_in_one_error()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);
        Sys.ActorOf(SingleNodeGuard.Props(cluster), SingleNodeGuard.Name);

        var joiner = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(ClusterConfig));
        try
        {
            var joinerAddress = Akka.Cluster.Cluster.Get(joiner).SelfAddress;
            await EventFilter.Error(SingleNode.Refusal(joinerAddress)).ExpectOneAsync(Wait, () =>
            {
                Akka.Cluster.Cluster.Get(joiner).Join(cluster.SelfAddress);
                return Task.CompletedTask;
            });

            // Downed, the joiner's actor system shuts itself down; the node is a cluster of one again.
            await joiner.WhenTerminated.WaitAsync(Wait);
            await AwaitAssertAsync(() => Assert.Equal([cluster.SelfAddress], cluster.State.Members.Select(m => m.Address)), Wait);
        }
        finally
        {
            await joiner.Terminate();
        }
    }

    [Theory]
    [InlineData(MemberStatus.Joining)]
    [InlineData(MemberStatus.WeaklyUp)]
    [InlineData(MemberStatus.Up)]
    public void Another_node_joining_or_joined_is_a_joiner(MemberStatus status) =>
        Assert.True(SingleNode.IsJoiner(new UniqueAddress(Node.WithPort(4054), 7), status, new UniqueAddress(Node, 1)));

    [Fact]
    public void The_node_itself_is_no_joiner() =>
        Assert.False(SingleNode.IsJoiner(new UniqueAddress(Node, 1), MemberStatus.Up, new UniqueAddress(Node, 1)));

    [Theory]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Removed)]
    public void A_node_on_its_way_out_is_left_alone(MemberStatus status) =>
        Assert.False(SingleNode.IsJoiner(new UniqueAddress(Node.WithPort(4054), 7), status, new UniqueAddress(Node, 1)));
}
