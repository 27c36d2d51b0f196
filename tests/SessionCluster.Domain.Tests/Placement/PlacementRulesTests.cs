using SessionCluster.Domain.Placement;

namespace SessionCluster.Domain.Tests.Placement;

public class PlacementRulesTests
{
    private static AgentHostPlacement Host(string name) => new($"id-{name}", name, $"akka.tcp://sessioncluster@{name}:4053");

    private static HostOffer Offer(
        string name, int live = 0, int capacity = 10, bool draining = false, string? agentProblem = null, string? workdirProblem = null) =>
        new(Host(name), agentProblem, workdirProblem, live, capacity, draining);

    [Theory]
    [InlineData("akka.tcp://sessioncluster@b:4053")]
    [InlineData("akka.tcp://sessioncluster@b:4053/")]
    [InlineData("b")]
    [InlineData("id-b")]
    public void A_pin_by_address_name_or_id_chooses_that_node_only(string pin)
    {
        var (candidates, refusal) = PlacementRules.Choose([Offer("a"), Offer("b", live: 9), Offer("c")], pin);

        Assert.Null(refusal);
        Assert.Equal([Host("b")], candidates);
    }

    [Fact]
    public void A_pinned_node_that_is_draining_is_refused_as_unavailable_naming_it()
    {
        var (candidates, refusal) = PlacementRules.Choose([Offer("a"), Offer("b", draining: true)], "b");

        Assert.Empty(candidates);
        Assert.Equal(RejectionCode.Unavailable, refusal!.Code);
        Assert.Contains("node b is leaving", refusal.Reason);
    }

    [Fact]
    public void A_pinned_node_at_its_capacity_is_refused_as_unavailable_naming_it_and_its_load()
    {
        var (candidates, refusal) = PlacementRules.Choose([Offer("a"), Offer("b", live: 10, capacity: 10)], "b");

        Assert.Empty(candidates);
        Assert.Equal(RejectionCode.Unavailable, refusal!.Code);
        Assert.Contains("node b is at its capacity (10/10", refusal.Reason);
    }

    [Fact]
    public void A_pinned_node_without_the_agent_is_refused_naming_the_node()
    {
        var (candidates, refusal) = PlacementRules.Choose([Offer("a"), Offer("b", agentProblem: "'claude' was not found on PATH")], "b");

        Assert.Empty(candidates);
        Assert.Equal(RejectionCode.InvalidInput, refusal!.Code);
        Assert.Equal("on node b: 'claude' was not found on PATH", refusal.Reason);
    }

    [Fact]
    public void A_pinned_node_without_the_workdir_is_refused_with_its_words()
    {
        var problem = "workdir '/src/x' does not exist on node b";
        var (candidates, refusal) = PlacementRules.Choose([Offer("a"), Offer("b", workdirProblem: problem)], "b");

        Assert.Empty(candidates);
        Assert.Equal(new Rejection(RejectionCode.InvalidInput, problem), refusal);
    }

    [Fact]
    public void A_pin_no_host_answers_to_is_refused_listing_the_hosts()
    {
        var (_, refusal) = PlacementRules.Choose([Offer("a")], "zz");

        Assert.Equal(RejectionCode.InvalidInput, refusal!.Code);
        Assert.Contains("no agent host zz", refusal.Reason);
        Assert.Contains("a (akka.tcp://sessioncluster@a:4053)", refusal.Reason);
    }

    [Fact]
    public void A_pinned_node_that_did_not_answer_is_unavailable()
    {
        var (_, refusal) = PlacementRules.Choose([Offer("a")], "b", unanswered: ["b"]);

        Assert.Equal(RejectionCode.Unavailable, refusal!.Code);
        Assert.Contains("node b did not answer", refusal.Reason);
    }

    [Fact]
    public void Without_a_pin_the_least_loaded_host_comes_first_relative_to_its_capacity()
    {
        // b runs more sessions than c but is emptier for its size; a is fuller than both.
        var (candidates, refusal) = PlacementRules.Choose(
            [Offer("a", live: 5, capacity: 10), Offer("b", live: 4, capacity: 100), Offer("c", live: 2, capacity: 10)], null);

        Assert.Null(refusal);
        Assert.Equal([Host("b"), Host("c"), Host("a")], candidates);
    }

    [Fact]
    public void A_host_with_the_agent_installed_is_preferred_to_an_emptier_one_without_it()
    {
        var (candidates, _) = PlacementRules.Choose(
            [Offer("a", agentProblem: "'codex' was not found on PATH"), Offer("b", live: 8)], null);

        Assert.Equal([Host("b"), Host("a")], candidates);
    }

    [Fact]
    public void Draining_full_and_workdir_less_hosts_are_left_out()
    {
        var (candidates, refusal) = PlacementRules.Choose(
            [Offer("a", draining: true), Offer("b", live: 10), Offer("c", workdirProblem: "workdir '/w' does not exist on node c"), Offer("d", live: 3)], null);

        Assert.Null(refusal);
        Assert.Equal([Host("d")], candidates);
    }

    [Fact]
    public void No_host_at_all_is_unavailable()
    {
        var (candidates, refusal) = PlacementRules.Choose([], null, unanswered: ["b"]);

        Assert.Empty(candidates);
        Assert.Equal(RejectionCode.Unavailable, refusal!.Code);
        Assert.Contains("not answering: b", refusal.Reason);
    }

    [Fact]
    public void Every_host_full_or_leaving_is_unavailable()
    {
        Assert.Equal(RejectionCode.Unavailable, PlacementRules.Choose([Offer("a", draining: true)], null).Refusal!.Code);
        var full = PlacementRules.Choose([Offer("a", live: 10), Offer("b", live: 3, capacity: 3)], null).Refusal!;
        Assert.Equal(RejectionCode.Unavailable, full.Code);
        Assert.Contains("a 10/10, b 3/3", full.Reason);
    }

    [Fact]
    public void A_workdir_missing_everywhere_is_invalid_input_naming_each_node()
    {
        var refusal = PlacementRules.Choose(
            [Offer("a", workdirProblem: "workdir '/w' does not exist on node a"), Offer("b", workdirProblem: "workdir '/w' does not exist on node b")], null).Refusal!;

        Assert.Equal(RejectionCode.InvalidInput, refusal.Code);
        Assert.Contains("on node a", refusal.Reason);
        Assert.Contains("on node b", refusal.Reason);
    }
}
