using Akka.Actor;
using Akka.Cluster.Sharding;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Delivery.DeliveryKit;

namespace SessionCluster.Actors.Tests.Delivery;

/// <summary>
/// Facts from the agent host reach their session at least once and are applied exactly once, whatever happens on the
/// way: lost, late and doubled messages, failing journal writes, an entity passivated in the middle of a turn.
/// </summary>
public sealed class FactDeliveryTests
{
    [Fact]
    public void Dropped_delayed_and_duplicated_facts_converge_to_what_the_agent_reached_with_exact_counts()
    {
        using var kit = new DeliveryKit();
        kit.Ask(Launch("f1"));
        kit.Host.ExpectMsg<StartAgent>(Wait);
        var producer = kit.Producer(UnreliableLink.Props(
            kit.Region, dropOnce: [1, 3, 5], duplicate: new HashSet<long> { 2, 4 }, delay: new HashSet<long> { 2 }));

        producer.Tell(Started("f1", 1));
        producer.Tell(AgentSession("f1", 2));
        producer.Tell(Turn("f1", 3, 0.10m));
        kit.Eventually("f1", s => s.Status == SessionStatus.WaitingForInput);
        kit.Ask(Respond("f1"));
        producer.Tell(Turn("f1", 4, 0.25m));
        producer.Tell(Exit("f1", 5));

        var done = kit.Eventually("f1", s => s.Status == SessionStatus.Completed);
        Assert.Equal(2, done.TurnsCompleted);
        Assert.Equal(1, done.RespondCount);
        Assert.Equal(1, done.ProcessCount);
        Assert.Equal(0.25m, done.CostUsd);
        Assert.Equal(5, done.LastFactSeq);
        Assert.Equal(0, done.LastExitCode);
        Assert.Null(done.Pid);
        Assert.Equal("conv-1", done.AgentSessionId);
    }

    [Fact]
    public async Task A_fact_whose_journal_write_fails_is_delivered_again_and_applied_once_the_journal_works()
    {
        using var kit = new DeliveryKit();
        kit.Ask(Launch("f2"));
        var producer = kit.Producer();
        producer.Tell(Started("f2", 1));
        kit.Eventually("f2", s => s.Status == SessionStatus.Running);

        var errors = kit.CreateTestProbe();
        kit.Sys.EventStream.Subscribe(errors.Ref, typeof(Akka.Event.Error));
        await kit.Journal.OnWrite.Fail();
        producer.Tell(Turn("f2", 2, 0.10m));
        // The write of the turn's events failed (the entity stops; the fact stays unconfirmed) ...
        errors.FishForMessage<Akka.Event.Error>(e => $"{e.Message}".Contains("Failed to persist"), Wait);
        // ... and fails again when the fact is delivered again, until the journal works.
        errors.FishForMessage<Akka.Event.Error>(e => $"{e.Message}".Contains("Failed to persist"), Wait);
        await kit.Journal.OnWrite.Pass();

        var waiting = kit.Eventually("f2", s => s.Status == SessionStatus.WaitingForInput);
        Assert.Equal(1, waiting.TurnsCompleted);
        Assert.Equal(2, waiting.LastFactSeq);
        Assert.Equal(0.10m, waiting.CostUsd);
    }

    [Fact]
    public async Task An_entity_passivated_in_the_middle_of_a_turn_takes_the_turn_result_when_it_comes_back()
    {
        using var kit = new DeliveryKit();
        kit.Ask(Launch("f3"));
        var producer = kit.Producer(UnreliableLink.Props(kit.Region, duplicate: new HashSet<long> { 3 }));
        producer.Tell(Started("f3", 1));
        producer.Tell(Turn("f3", 2, 0.10m));
        kit.Eventually("f3", s => s.Status == SessionStatus.WaitingForInput);
        kit.Ask(Respond("f3"));

        // Passivate the shard's entity (the consumer controller around the session entity) as the shard itself would.
        var entity = await kit.Sys.ActorSelection($"/system/sharding/{SessionRegion.TypeName}/*/f3").ResolveOne(Wait);
        kit.Watch(entity);
        kit.Sys.ActorSelection(entity.Path.Parent).Tell(new Passivate(PoisonPill.Instance), entity);
        kit.ExpectTerminated(entity, Wait);

        producer.Tell(Turn("f3", 3, 0.30m));

        var waiting = kit.Eventually("f3", s => s.TurnsCompleted == 2);
        Assert.Equal(SessionStatus.WaitingForInput, waiting.Status);
        Assert.Equal(1, waiting.RespondCount);
        Assert.Equal(3, waiting.LastFactSeq);
        Assert.Equal(0.30m, waiting.CostUsd);
    }

    [Fact]
    public void A_restarted_node_sending_its_facts_again_from_the_start_changes_nothing()
    {
        // A second producer (a new incarnation of the agent host) repeating facts the session already applied.
        using var kit = new DeliveryKit();
        kit.Ask(Launch("f4"));
        var first = kit.Producer(id: "first");
        first.Tell(Started("f4", 1));
        first.Tell(Turn("f4", 2, 0.10m));
        var before = kit.Eventually("f4", s => s.Status == SessionStatus.WaitingForInput);

        var second = kit.Producer(id: "second");
        second.Tell(Started("f4", 1, pid: 999));
        second.Tell(Turn("f4", 2, 0.10m));
        second.Tell(Exit("f4", 3));

        var after = kit.Eventually("f4", s => s.LastFactSeq == 3);
        Assert.Equal(SessionStatus.Completed, after.Status);
        Assert.Equal(before.TurnsCompleted, after.TurnsCompleted);
        Assert.Equal(before.CostUsd, after.CostUsd);
        Assert.Equal(4242, before.Pid);
        Assert.Equal(1, after.TurnsCompleted);
        Assert.Equal(1, after.ProcessCount);
    }
}
