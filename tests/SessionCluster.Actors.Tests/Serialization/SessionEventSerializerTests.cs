using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using Google.Protobuf;
using SessionCluster.Actors.Serialization;
using SessionCluster.Domain;
using Xunit.Abstractions;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Tests.Serialization;

public sealed class SessionEventSerializerTests(ITestOutputHelper output)
    : TestKit(SessionEventSerializer.Config, nameof(SessionEventSerializerTests), output)
{
    public static TheoryData<string> AllSamples => [.. SerializationSamples.All.Keys.Order(StringComparer.Ordinal)];

    private SessionEventSerializer Serializer =>
        Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(SessionState)));

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Every_event_and_the_state_round_trip_through_akka_serialization(string sample)
    {
        var original = SerializationSamples.All[sample];

        var serializer = Sys.Serialization.FindSerializerFor(original);
        Assert.IsType<SessionEventSerializer>(serializer);
        Assert.Equal(SessionEventSerializer.SerializerId, serializer.Identifier);
        Assert.Equal(4301, serializer.Identifier);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, original);
        Assert.Equal(sample.Split('/')[0], manifest);

        var bytes = serializer.ToBinary(original);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(original.GetType(), back);
        Assert.Equal(Canonical.Of(original), Canonical.Of(back));
        if (original is not (SessionLaunched or SessionState or NotificationRaised))
        {
            // No collection inside: plain record equality holds too.
            Assert.Equal(original, back);
        }
    }

    [Fact]
    public void Fields_added_after_the_golden_files_round_trip_and_old_bytes_read_them_as_absent()
    {
        var serialization = Sys.Serialization;
        object[] extended =
        [
            new AgentProcessStarted("node-a", 41_234, SerializationSamples.At, "0f3c9a7d21b4e8c6", 1_234_567_890),
            new SessionInterrupted(SerializationSamples.At, "node stopped"),
            (SessionState)SerializationSamples.Full["SS"] with
            {
                NodeId = "0f3c9a7d21b4e8c6",
                ProcessStartTime = 1_234_567_890,
                LastFactSeq = 42,
                StopReason = "node stopped",
            },
        ];
        foreach (var sample in extended)
        {
            var serializer = serialization.FindSerializerFor(sample);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
            var back = serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
            Assert.Equal(Canonical.Of(sample), Canonical.Of(back));
        }

        var old = (AgentProcessStarted)serialization.Deserialize(
            serialization.Serialize(SerializationSamples.Full["APS"]), SessionEventSerializer.SerializerId, "APS");
        Assert.Equal(("", 0L), (old.NodeId, old.StartTime));
        Assert.Null(((SessionInterrupted)SerializationSamples.Full["SI"]).Reason);
    }

    [Fact]
    public void Queued_requests_and_several_undelivered_answers_round_trip_with_the_oldest_answer_in_the_old_field()
    {
        var state = (SessionState)SerializationSamples.PermissionQueue["SS"];

        var bytes = Serializer.ToBinary(state);

        Assert.Equal(Canonical.Of(state), Canonical.Of(Serializer.FromBinary(bytes, "SS")));
        // An older node reads field 37 alone: it still sees the oldest answer.
        var proto = P.SessionStateSnapshot.Parser.ParseFrom(bytes);
        Assert.Equal("req-6", proto.UndeliveredPermissionAnswer.RequestId);
        Assert.Equal(["req-5b"], proto.MoreUndeliveredPermissionAnswers.Select(a => a.RequestId));
        Assert.Equal(["req-8", "req-9"], proto.QueuedPermissions.Select(q => q.RequestId));
    }

    [Fact]
    public void A_snapshot_from_before_queued_requests_reads_its_one_answer_into_the_list()
    {
        var full = (SessionState)SerializationSamples.Full["SS"];
        var proto = P.SessionStateSnapshot.Parser.ParseFrom(Serializer.ToBinary(full with { UndeliveredPermissionAnswers = [] }));
        proto.UndeliveredPermissionAnswer = new P.PermissionAnswer { RequestId = "req-6", Allow = false, Message = "not outside the repo", Remember = true };
        Assert.Empty(proto.QueuedPermissions);
        Assert.Empty(proto.MoreUndeliveredPermissionAnswers);

        var back = (SessionState)Serializer.FromBinary(proto.ToByteArray(), "SS");

        Assert.Equal([new PermissionAnswer("req-6", false, "not outside the repo", true)], back.UndeliveredPermissionAnswers);
        Assert.Empty(back.QueuedPermissions);
        Assert.Equal(Canonical.Of(full), Canonical.Of(back));
        var none = (SessionState)Serializer.FromBinary(Serializer.ToBinary(SerializationSamples.Minimal["SS"]), "SS");
        Assert.Empty(none.UndeliveredPermissionAnswers);
    }

    [Fact]
    public void The_canonical_projection_sees_collection_contents_and_decimal_scale()
    {
        var launched = (SessionLaunched)SerializationSamples.Full["SL"];
        var state = (SessionState)SerializationSamples.Full["SS"];

        Assert.Equal(Canonical.Of(launched), Canonical.Of(launched with { Spec = launched.Spec with { Env = launched.Spec.Env.ToImmutableSortedDictionary(StringComparer.Ordinal) } }));
        Assert.NotEqual(Canonical.Of(launched), Canonical.Of(launched with { Spec = launched.Spec with { Env = launched.Spec.Env.SetItem("_under", "changed") } }));
        Assert.NotEqual(Canonical.Of(state), Canonical.Of(state with { ResumedAs = state.ResumedAs.Reverse() }));
        Assert.NotEqual(Canonical.Of(state), Canonical.Of(state with { CostUsd = 12.345m }));
        Assert.NotEqual(Canonical.Of(state), Canonical.Of(state with { CreatedAt = state.CreatedAt.ToOffset(TimeSpan.FromHours(2)) }));
    }

    public static TheoryData<string> Instants =>
    [
        "0001-01-01T00:00:00.0000000+00:00",
        "9999-12-31T23:59:59.9999999+00:00",
        "1969-12-31T23:59:59.9999999+00:00",
        "1900-02-28T12:34:56.0000001+00:00",
        "2025-03-14T09:26:53.5897932+00:00",
        "2025-03-14T15:56:53.5897932+05:30",
        "2025-03-14T01:26:53.1000000-08:00",
        "0001-01-01T13:00:00.0000000+13:00",
    ];

    /// <summary>What the domain gets back: the same instant to the tick (100 ns), with offset +00:00.</summary>
    [Theory]
    [MemberData(nameof(Instants))]
    public void Times_come_back_as_the_same_instant_to_the_tick_in_utc(string instant)
    {
        var at = DateTimeOffset.ParseExact(instant, "O", CultureInfo.InvariantCulture);

        var back = RoundTrip(new SessionKilled(at));
        var state = RoundTrip(new SessionState
        {
            Id = "s", Name = "n", Launch = new LaunchSpec("a", "p", "w", null, false, 0, ImmutableSortedDictionary<string, string>.Empty),
            CreatedAt = at, UpdatedAt = at, FinishedAt = at,
        });

        Assert.Equal(at.UtcTicks, back.At.UtcTicks);
        Assert.Equal(TimeSpan.Zero, back.At.Offset);
        Assert.Equal(at, back.At);
        foreach (var stateTime in new[] { state.CreatedAt, state.UpdatedAt, state.FinishedAt!.Value })
        {
            Assert.Equal(at.UtcTicks, stateTime.UtcTicks);
            Assert.Equal(TimeSpan.Zero, stateTime.Offset);
        }
    }

    public static TheoryData<string> Amounts =>
    [
        "0", "0.0", "1.50", "-0.0001", "0.0000000000000000000000000001", "12345678901234567890.12345678",
        "79228162514264337593543950335", "-79228162514264337593543950335", "7.9228162514264337593543950335",
    ];

    [Theory]
    [MemberData(nameof(Amounts))]
    public void Decimals_round_trip_exactly_with_their_scale(string amount)
    {
        var cost = decimal.Parse(amount, CultureInfo.InvariantCulture);

        var turn = RoundTrip(new TurnCompleted(cost, TokenUsage.Zero, SerializationSamples.At));
        var state = RoundTrip(((SessionState)SerializationSamples.Minimal["SS"]) with { CostUsd = cost });

        Assert.Equal(cost, turn.TotalCostUsd);
        Assert.Equal(amount, turn.TotalCostUsd.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(amount, state.CostUsd.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Env_bytes_do_not_depend_on_the_dictionary_comparer_and_come_back_ordinal()
    {
        var launched = (SessionLaunched)SerializationSamples.Full["SL"];
        var reversed = ImmutableSortedDictionary.CreateRange(
            Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a)), launched.Spec.Env);

        // Fresh deterministic ciphers: with the node's random nonces no two serializations are alike.
        Assert.Equal(
            new SessionEventSerializer((Akka.Actor.ExtendedActorSystem)Sys, GoldenEnvCipher.Create()).ToBinary(launched),
            new SessionEventSerializer((Akka.Actor.ExtendedActorSystem)Sys, GoldenEnvCipher.Create()).ToBinary(launched with { Spec = launched.Spec with { Env = reversed } }));
        Assert.Same(StringComparer.Ordinal, RoundTrip(launched).Spec.Env.KeyComparer);
        Assert.Same(StringComparer.Ordinal, RoundTrip((SessionState)SerializationSamples.Full["SS"]).Env.KeyComparer);
    }

    [Fact]
    public void Every_concrete_session_event_in_the_domain_has_a_manifest_and_samples()
    {
        var eventTypes = typeof(SessionEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(SessionEvent).IsAssignableFrom(t))
            .ToList();

        Assert.NotEmpty(eventTypes);
        var missing = eventTypes.Where(t => !SessionEventSerializer.Manifests.ContainsKey(t)).Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0,
            $"Session events without a manifest in SessionEventSerializer (add a proto message, a manifest and samples): {string.Join(", ", missing)}");

        foreach (var type in eventTypes.Append(typeof(SessionState)))
        {
            var manifest = SessionEventSerializer.Manifests[type];
            Assert.True(SerializationSamples.Full.TryGetValue(manifest, out var full), $"No full sample for {type.Name} ({manifest}).");
            Assert.True(SerializationSamples.Minimal.TryGetValue(manifest, out var minimal), $"No minimal sample for {type.Name} ({manifest}).");
            Assert.IsType(type, full);
            Assert.IsType(type, minimal);
        }

        Assert.Equal(eventTypes.Count + 1, SessionEventSerializer.Manifests.Count);
        Assert.Equal(SessionEventSerializer.Manifests.Count, SerializationSamples.Full.Count);
        Assert.Equal(SessionEventSerializer.Manifests.Count, SerializationSamples.Minimal.Count);
    }

    [Fact]
    public void Manifests_are_unique_and_short()
    {
        var manifests = SessionEventSerializer.Manifests.Values.ToList();

        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 4));
    }

    [Fact]
    public void The_bindings_cover_every_event_and_the_state()
    {
        Assert.Equal([typeof(SessionEvent), typeof(SessionState)], SessionEventSerializer.BoundTypes);
        Assert.Equal("session-events", SessionEventSerializer.SerializerName);
        foreach (var type in SessionEventSerializer.Manifests.Keys)
        {
            Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(type));
        }
    }

    /// <summary>Read, not thrown: a throw would fail the entity's recovery and the directory's tag query for good.</summary>
    [Fact]
    public void An_unknown_manifest_reads_as_an_unreadable_event_naming_it()
    {
        var bytes = Serializer.ToBinary(SerializationSamples.Full["SC"]);

        var direct = Assert.IsType<UnreadableEvent>(Serializer.FromBinary(bytes, "XYZ"));
        Assert.Equal("XYZ", direct.Manifest);
        Assert.Contains("'XYZ'", direct.Problem);
        Assert.Contains("SessionEventSerializer", direct.Problem);

        var viaAkka = Assert.IsType<UnreadableEvent>(Sys.Serialization.Deserialize(bytes, SessionEventSerializer.SerializerId, "XYZ"));
        Assert.Equal(direct, viaAkka);
    }

    [Fact]
    public void Bytes_that_are_not_a_message_read_as_an_unreadable_event()
    {
        var unreadable = Assert.IsType<UnreadableEvent>(Serializer.FromBinary([0xFF, 0xFF, 0xFF], "SL"));
        Assert.Equal("SL", unreadable.Manifest);
        Assert.Contains("'SL'", unreadable.Problem);
    }

    [Fact]
    public void A_message_without_its_time_reads_as_an_unreadable_event_naming_the_field()
    {
        Assert.Contains("SessionCompleted.at", Assert.IsType<UnreadableEvent>(Serializer.FromBinary([], "SC")).Problem);
    }

    /// <summary>A newer node's error kind or waiting reason, say.</summary>
    [Fact]
    public void Unknown_wire_names_read_as_unreadable_events()
    {
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(SerializationSamples.At);

        Assert.Contains("'thinking-hard'", Assert.IsType<UnreadableEvent>(
            Serializer.FromBinary(new P.WaitingForInput { At = at, Reason = "thinking-hard" }.ToByteArray(), "WFI")).Problem);
        Assert.Contains("'cosmic-ray'", Assert.IsType<UnreadableEvent>(
            Serializer.FromBinary(new P.SessionFailed { At = at, Error = new P.ErrorContext { Kind = "cosmic-ray" } }.ToByteArray(), "SF")).Problem);
        Assert.Contains("'1e5'", Assert.IsType<UnreadableEvent>(
            Serializer.FromBinary(new P.TurnCompleted { At = at, TotalCostUsd = "1e5", Usage = new P.TokenUsage() }.ToByteArray(), "TC")).Problem);
    }

    [Fact]
    public void Objects_it_does_not_own_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Serializer.Manifest("not an event"));
        Assert.Throws<ArgumentException>(() => Serializer.ToBinary(new TokenUsage(1, 2, 3, 4)));
    }

    private T RoundTrip<T>(T value) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(value);
        var bytes = serializer.ToBinary(value);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, value)));
    }
}
