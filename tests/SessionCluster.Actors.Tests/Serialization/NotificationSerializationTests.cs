using System.Collections.Immutable;
using Akka.TestKit.Xunit2;
using Google.Protobuf;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using Xunit.Abstractions;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// What notifications added to the wire: <see cref="NotificationRaised"/> (NR), the launch's channel and the last text,
/// each written only when set, so what older versions wrote reads as "absent" and what they read is unchanged.
/// </summary>
public sealed class NotificationSerializationTests(ITestOutputHelper output)
    : TestKit(SessionMessageSerializer.Config.WithFallback(SessionEventSerializer.Config), nameof(NotificationSerializationTests), output)
{
    private SessionEventSerializer Events => Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(SessionEvent)));

    private SessionMessageSerializer Messages => Assert.IsType<SessionMessageSerializer>(Sys.Serialization.FindSerializerForType(typeof(GetSession)));

    [Fact]
    public void A_notification_raised_by_the_real_rules_round_trips_whole()
    {
        var launch = new LaunchSpec("claude", "Fix it", "/work/repo", null, true, 3,
            ImmutableSortedDictionary<string, string>.Empty.Add("API_TOKEN", "tok-123456"), Channel: "ops");
        var state = Session.Apply(null, new SessionLaunched("s-1", "fix", launch, SerializationSamples.At));
        var waiting = new WaitingForInput(WaitingReason.Question, SerializationSamples.At.AddMinutes(2), "Use tok-123456?");
        var raised = NotificationRules.WithNotifications(state, [waiting], NotificationKinds.Default);
        var notification = Assert.IsType<NotificationRaised>(raised[1]);

        var back = Assert.IsType<NotificationRaised>(Events.FromBinary(Events.ToBinary(notification), SessionEventSerializer.NotificationRaisedManifest));

        Assert.Equal(Canonical.Of(notification), Canonical.Of(back));
        Assert.Equal("Use ***?", back.Notification.Question);
        Assert.Equal(["sessionctl respond s-1 \"<your answer>\""], back.Notification.Commands);
        Assert.Equal("ops", back.Notification.Channel);
    }

    [Fact]
    public void A_notification_of_a_kind_this_version_does_not_know_reads_as_an_unreadable_event()
    {
        var proto = P.NotificationRaised.Parser.ParseFrom(Events.ToBinary(SerializationSamples.Full["NR"]));
        proto.Notification.Kind = "solar-flare";

        var unreadable = Assert.IsType<UnreadableEvent>(Events.FromBinary(proto.ToByteArray(), "NR"));

        Assert.Contains("'solar-flare'", unreadable.Problem);
        Assert.Contains("Notification.kind", Assert.IsType<UnreadableEvent>(Events.FromBinary(proto.ToByteArray(), "NR")).Problem);
        Assert.Contains("NotificationRaised.notification", Assert.IsType<UnreadableEvent>(
            Events.FromBinary(new P.NotificationRaised { At = WireValues.Time(SerializationSamples.At) }.ToByteArray(), "NR")).Problem);
    }

    [Fact]
    public void The_channel_and_the_last_text_are_written_only_when_set()
    {
        var turn = (TurnCompleted)SerializationSamples.Full["TC"];
        var launched = (SessionLaunched)SerializationSamples.Full["SL"];

        Assert.False(P.TurnCompleted.Parser.ParseFrom(Events.ToBinary(turn)).HasLastText);
        Assert.True(P.TurnCompleted.Parser.ParseFrom(Events.ToBinary(turn with { LastText = "" })).HasLastText);
        Assert.Equal("", ((TurnCompleted)Events.FromBinary(Events.ToBinary(turn with { LastText = "" }), "TC")).LastText);
        Assert.False(P.SessionLaunched.Parser.ParseFrom(Events.ToBinary(launched)).Launch.HasChannel);
        Assert.Equal("ops", P.SessionLaunched.Parser.ParseFrom(Events.ToBinary(launched with { Spec = launched.Spec with { Channel = "ops" } })).Launch.Channel);
        Assert.False(P.SessionStateSnapshot.Parser.ParseFrom(Events.ToBinary(SerializationSamples.Full["SS"])).HasLastText);
    }

    [Fact]
    public void A_turn_result_from_a_node_that_sends_no_last_text_reads_as_none_and_one_that_does_keeps_it()
    {
        var full = (RecordTurnResult)MessageSamples.FullCommands[typeof(RecordTurnResult)];
        var bytes = Messages.ToBinary(new SessionFact("s-1", 1, full));
        var proto = P.SessionFact.Parser.ParseFrom(bytes);
        Assert.Equal(full.LastText, proto.Fact.RecordTurnResult.LastText);

        proto.Fact.RecordTurnResult.ClearLastText();
        var older = (SessionFact)Messages.FromBinary(proto.ToByteArray(), Messages.Manifest(new SessionFact("s-1", 1, full)));

        Assert.Equal(full with { LastText = null }, older.Fact);
    }

    [Fact]
    public void A_launch_crossing_nodes_keeps_its_channel()
    {
        var launch = (LaunchSession)MessageSamples.FullCommands[typeof(LaunchSession)];
        Assert.NotNull(launch.Spec.Channel);

        var back = (SessionCommandEnvelope)Messages.FromBinary(
            Messages.ToBinary(new SessionCommandEnvelope("s-1", launch)), Messages.Manifest(new SessionCommandEnvelope("s-1", launch)));

        Assert.Equal(launch.Spec.Channel, ((LaunchSession)back.Command).Spec.Channel);
    }
}
