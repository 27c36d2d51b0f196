using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using Google.Protobuf;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using Xunit.Abstractions;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Tests.Serialization;

public sealed class SessionMessageSerializerTests(ITestOutputHelper output)
    : TestKit(SessionMessageSerializer.Config.WithFallback(SessionEventSerializer.Config), nameof(SessionMessageSerializerTests), output)
{
    // Samples holding a collection (env, state, ids): records compare those by reference, so only Canonical applies.
    private static readonly HashSet<string> WithCollections =
    [
        "SCE/full", "SA/full", "SA/minimal", "STA/full", "STA/minimal", "RA/full", "RA/minimal",
        "NP/full", "NP/minimal", "CHR/full", "CHR/minimal", "NL/full", "NL/minimal", "FN/full", "FN/minimal",
    ];

    public static TheoryData<string> AllSamples => [.. MessageSamples.All.Keys.Order(StringComparer.Ordinal)];

    public static TheoryData<string> AllCommands => [.. MessageSamples.AllCommands.Keys.Order(StringComparer.Ordinal)];

    private SessionMessageSerializer Serializer =>
        Assert.IsType<SessionMessageSerializer>(Sys.Serialization.FindSerializerForType(typeof(GetSession)));

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Every_message_round_trips_through_akka_serialization_with_this_serializer(string sample)
    {
        var original = MessageSamples.All[sample];

        var serializer = Sys.Serialization.FindSerializerFor(original);
        Assert.IsType<SessionMessageSerializer>(serializer); // not Akka's JSON fallback, which writes CLR type names
        Assert.Equal(4302, serializer.Identifier);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, original);
        Assert.Equal(sample.Split('/')[0], manifest);

        var back = Sys.Serialization.Deserialize(serializer.ToBinary(original), serializer.Identifier, manifest);

        Assert.IsType(original.GetType(), back);
        Assert.Equal(Canonical.Of(original), Canonical.Of(back));
        if (!WithCollections.Contains(sample))
        {
            Assert.Equal(original, back);
        }
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void Every_command_round_trips_inside_an_envelope_and_inside_a_fact(string sample)
    {
        var command = MessageSamples.AllCommands[sample];

        var envelope = RoundTrip(new SessionCommandEnvelope("s-9", command));
        var fact = RoundTrip(new SessionFact("s-9", 12, command));
        var nested = RoundTrip(new SessionCommandEnvelope("s-9", new RecordAgentFact(5, command, SerializationSamples.At)));

        Assert.IsType(command.GetType(), envelope.Command);
        Assert.Equal(Canonical.Of(command), Canonical.Of(envelope.Command));
        Assert.Equal(Canonical.Of(command), Canonical.Of(fact.Fact));
        Assert.Equal(Canonical.Of(command), Canonical.Of(((RecordAgentFact)nested.Command).Fact));
        Assert.Equal(12, fact.Seq);
    }

    [Fact]
    public void Every_type_marked_as_a_cluster_message_has_a_manifest_and_samples()
    {
        var marked = typeof(ISessionClusterMessage).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISessionClusterMessage).IsAssignableFrom(t))
            .ToList();

        var missing = marked.Where(t => !SessionMessageSerializer.Manifests.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0,
            $"Cluster messages without a manifest in SessionMessageSerializer (add a proto message, a manifest and samples): {string.Join(", ", missing)}");
        Assert.All(SessionMessageSerializer.Manifests.Keys, t => Assert.True(typeof(ISessionClusterMessage).IsAssignableFrom(t), $"{t.Name} is not marked."));
        Assert.Equal(marked.Count, SessionMessageSerializer.Manifests.Count);
        foreach (var (type, manifest) in SessionMessageSerializer.Manifests)
        {
            Assert.IsType(type, MessageSamples.Full[manifest]);
            Assert.IsType(type, MessageSamples.Minimal[manifest]);
        }

        Assert.Equal(SessionMessageSerializer.Manifests.Count, MessageSamples.Full.Count);
        Assert.Equal(SessionMessageSerializer.Manifests.Count, MessageSamples.Minimal.Count);
    }

    [Fact]
    public void Every_concrete_session_command_in_the_domain_travels_and_has_samples()
    {
        var commands = typeof(SessionCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(SessionCommand).IsAssignableFrom(t))
            .ToHashSet();

        Assert.NotEmpty(commands);
        Assert.Equal(commands.OrderBy(t => t.Name), SessionMessageSerializer.CommandTypes.OrderBy(t => t.Name));
        Assert.Equal(commands, MessageSamples.FullCommands.Keys.ToHashSet());
        Assert.Equal(commands, MessageSamples.MinimalCommands.Keys.ToHashSet());
    }

    /// <summary>
    /// The messages entities, the agent host and their callers Tell each other are the public records of the protocol
    /// namespaces; with several nodes any of them may cross. (The directory's are asked of the node's own directory only.)
    /// </summary>
    [Fact]
    public void Every_record_of_the_session_and_agent_host_protocols_is_marked()
    {
        string[] protocolNamespaces = [typeof(SessionCommandEnvelope).Namespace!, typeof(StartAgent).Namespace!];
        var records = typeof(ISessionClusterMessage).Assembly.GetExportedTypes()
            .Where(t => protocolNamespaces.Contains(t.Namespace) && t is { IsClass: true, IsAbstract: false })
            .Where(t => t.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null) // records only: actors are not messages
            .Where(t => !t.Name.EndsWith("Settings", StringComparison.Ordinal)) // constructor arguments, never sent
            .ToList();

        Assert.Contains(typeof(SessionCommandEnvelope), records);
        Assert.Contains(typeof(StartAgent), records);
        var unmarked = records.Where(t => !typeof(ISessionClusterMessage).IsAssignableFrom(t)).Select(t => t.FullName).ToList();
        Assert.True(unmarked.Count == 0, $"Protocol records not marked ISessionClusterMessage (they would cross nodes as JSON with type names): {string.Join(", ", unmarked)}");
    }

    [Fact]
    public void Manifests_are_unique_and_short()
    {
        var manifests = SessionMessageSerializer.Manifests.Values.ToList();

        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 4));
        Assert.NotEqual(SessionEventSerializer.SerializerId, SessionMessageSerializer.SerializerId);
    }

    [Fact]
    public void The_binding_is_the_marker_alone()
    {
        Assert.Equal([typeof(ISessionClusterMessage)], SessionMessageSerializer.BoundTypes);
        Assert.Equal("session-messages", SessionMessageSerializer.SerializerName);
        foreach (var type in SessionMessageSerializer.Manifests.Keys)
        {
            Assert.IsType<SessionMessageSerializer>(Sys.Serialization.FindSerializerForType(type));
        }

        // The state inside SessionAccepted stays the event serializer's.
        Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(SessionState)));
    }

    [Fact]
    public void Every_rejection_code_and_stop_mode_has_a_wire_name()
    {
        foreach (var code in Enum.GetValues<RejectionCode>())
        {
            Assert.Equal(code, RoundTrip(new SessionRejected("s", new Rejection(code, "r"))).Rejection.Code);
        }

        foreach (var mode in Enum.GetValues<StopMode>())
        {
            Assert.Equal(mode, RoundTrip(new StopAgent("s", mode)).Mode);
        }
    }

    [Fact]
    public void Env_bytes_depend_only_on_the_content()
    {
        var start = (StartAgent)MessageSamples.Full["STA"];
        var reversed = start.Request.Launch.Env.ToImmutableSortedDictionary(StringComparer.Ordinal).WithComparers(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(Serializer.ToBinary(start), Serializer.ToBinary(start with { Request = start.Request with { Launch = start.Request.Launch with { Env = reversed } } }));
    }

    [Fact]
    public void An_unknown_manifest_fails_with_a_clear_serialization_exception()
    {
        var bytes = Serializer.ToBinary(MessageSamples.Full["GS"]);

        var direct = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "XYZ"));
        Assert.Contains("'XYZ'", direct.Message);
        Assert.Contains("SessionMessageSerializer", direct.Message);
    }

    [Fact]
    public void Bytes_that_are_not_a_message_fail_with_a_serialization_exception()
    {
        var ex = Assert.Throws<SerializationException>(() => Serializer.FromBinary([0xFF, 0xFF, 0xFF], "SCE"));
        Assert.Contains("'SCE'", ex.Message);
    }

    [Fact]
    public void A_message_missing_its_command_or_state_is_refused_naming_the_field()
    {
        Assert.Contains("SessionCommandEnvelope.command", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.SessionCommandEnvelope { SessionId = "s" }.ToByteArray(), "SCE")).Message);
        Assert.Contains("SessionFact.fact", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.SessionFact { SessionId = "s" }.ToByteArray(), "FCT")).Message);
        Assert.Contains("SessionAccepted.state", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.SessionAccepted { SessionId = "s" }.ToByteArray(), "SA")).Message);
        Assert.Contains("Kill.at", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.SessionCommandEnvelope { SessionId = "s", Command = new P.SessionCommand { Kill = new P.Kill() } }.ToByteArray(), "SCE")).Message);
    }

    [Fact]
    public void Unknown_wire_names_are_refused()
    {
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(SerializationSamples.At);

        Assert.Contains("'cosmic-ray'", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.SessionRejected { Code = "cosmic-ray" }.ToByteArray(), "SRJ")).Message);
        Assert.Contains("'pause'", Assert.Throws<SerializationException>(() =>
            Serializer.FromBinary(new P.StopAgent { Mode = "pause" }.ToByteArray(), "STP")).Message);
        Assert.Contains("RecordTurnResult.next_waiting_reason", Assert.Throws<SerializationException>(() => Serializer.FromBinary(
            new P.SessionCommandEnvelope
            {
                Command = new P.SessionCommand
                {
                    RecordTurnResult = new P.RecordTurnResult { At = at, TotalCostUsd = "1", Usage = new P.TokenUsage(), NextWaitingReason = "thinking-hard" },
                },
            }.ToByteArray(), "SCE")).Message);
    }

    [Fact]
    public void Objects_it_does_not_own_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Serializer.Manifest("not a message"));
        Assert.Throws<ArgumentException>(() => Serializer.ToBinary(new TokenUsage(1, 2, 3, 4)));
    }

    private T RoundTrip<T>(T value) where T : notnull
    {
        var serializer = Assert.IsType<SessionMessageSerializer>(Sys.Serialization.FindSerializerFor(value));
        var bytes = serializer.ToBinary(value);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, value)));
    }
}
