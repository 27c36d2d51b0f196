using Akka.Actor;
using MemberStatus = Akka.Cluster.MemberStatus;
using UniqueAddress = Akka.Cluster.UniqueAddress;

namespace SessionCluster.Actors.Membership;

/// <summary>The rule a one-node (SQLite) node applies to members, and what it says when it downs one.</summary>
public static class SingleNode
{
    /// <summary>
    /// Another node (not this incarnation of this one) that is joining or has joined: one leaving, exiting or down
    /// already is on its way out.
    /// </summary>
    public static bool IsJoiner(UniqueAddress member, MemberStatus status, UniqueAddress self) =>
        !member.Equals(self) && status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up;

    public static string Refusal(Address joiner) =>
        $"node {joiner} tried to join this node, which keeps its sessions in SQLite (one node only): it was downed; " +
        "a cluster of several nodes needs sessioncluster.persistence.provider = postgres on every node";
}
