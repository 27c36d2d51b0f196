using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Google.Protobuf;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Serialization.WireValues;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// The Akka.NET serializer for every SessionCluster message that can cross nodes (<see cref="ISessionClusterMessage"/>):
/// commands and queries to session entities, their replies, agent facts, the entity &lt;-&gt; AgentHost protocol, and the
/// messages to and from the notifier (a cluster singleton). Protobuf (<c>Serialization/Proto/session_messages.proto</c>,
/// <c>notifier_messages.proto</c>), with the conventions of <see cref="SessionEventSerializer"/>.
/// </summary>
/// <remarks>
/// <para>Nothing here is stored, but nodes of two versions talk during a rolling upgrade: manifests never change.</para>
/// <code>
/// Manifest  Type                    Proto message
/// --------  ----------------------  ----------------------
/// SCE       SessionCommandEnvelope  SessionCommandEnvelope (any SessionCommand)
/// GS        GetSession              GetSession
/// FCT       SessionFact             SessionFact (inside Akka.Delivery's own envelope)
/// SA        SessionAccepted         SessionAccepted (state as SessionStateSnapshot)
/// SRJ       SessionRejected         SessionRejected
/// STA       StartAgent              StartAgent (env included)
/// SIN       SendInput               SendInput
/// AAP       AnswerAgentPermission   AnswerAgentPermission
/// STP       StopAgent               StopAgent
/// ANR       AgentNotRunning         AgentNotRunning
/// SAA       StopAllAgents           StopAllAgents
/// AST       AgentsStopped           AgentsStopped
/// GRA       GetRunningAgents        (no bytes)
/// RA        RunningAgents           RunningAgents
/// NP        NotificationPersisted   NotificationPersisted (the notification as the journal encodes it)
/// GCH       GetChannelHealth        (no bytes)
/// CHR       ChannelHealthReport     ChannelHealthReport
/// LN        ListNotifications       ListNotifications
/// NL        NotificationList        NotificationList
/// STN       SendTestNotification    SendTestNotification
/// TNR       TestNotificationResult  TestNotificationResult
/// FN        ForgetNotifications     ForgetNotifications
/// </code>
/// <para>Bind it with HOCON (<see cref="Config"/> / <see cref="Hocon"/>, which needs <see cref="SessionEventSerializer"/>'s too),
/// or with Akka.Hosting: <c>builder.WithCustomSerializer(SessionMessageSerializer.SerializerName,
/// SessionMessageSerializer.BoundTypes, system =&gt; new SessionMessageSerializer(system))</c>.</para>
/// </remarks>
public sealed class SessionMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id every remote message carries. Never change it.</summary>
    public const int SerializerId = 4302;

    /// <summary>The name the serializer is registered under in <c>akka.actor.serializers</c>.</summary>
    public const string SerializerName = "session-messages";

    public const string SessionCommandEnvelopeManifest = "SCE";
    public const string GetSessionManifest = "GS";
    public const string SessionFactManifest = "FCT";
    public const string SessionAcceptedManifest = "SA";
    public const string SessionRejectedManifest = "SRJ";
    public const string StartAgentManifest = "STA";
    public const string SendInputManifest = "SIN";
    public const string AnswerAgentPermissionManifest = "AAP";
    public const string StopAgentManifest = "STP";
    public const string AgentNotRunningManifest = "ANR";
    public const string StopAllAgentsManifest = "SAA";
    public const string AgentsStoppedManifest = "AST";
    public const string GetRunningAgentsManifest = "GRA";
    public const string RunningAgentsManifest = "RA";
    public const string NotificationPersistedManifest = "NP";
    public const string GetChannelHealthManifest = "GCH";
    public const string ChannelHealthReportManifest = "CHR";
    public const string ListNotificationsManifest = "LN";
    public const string NotificationListManifest = "NL";
    public const string SendTestNotificationManifest = "STN";
    public const string TestNotificationResultManifest = "TNR";
    public const string ForgetNotificationsManifest = "FN";

    /// <summary>The one type this serializer is bound to: the marker every cross-node message implements.</summary>
    public static IReadOnlyList<System.Type> BoundTypes { get; } = [typeof(ISessionClusterMessage)];

    /// <summary>Every type this serializer writes, with its manifest.</summary>
    public static IReadOnlyDictionary<System.Type, string> Manifests { get; } = new Dictionary<System.Type, string>
    {
        [typeof(SessionCommandEnvelope)] = SessionCommandEnvelopeManifest,
        [typeof(GetSession)] = GetSessionManifest,
        [typeof(SessionFact)] = SessionFactManifest,
        [typeof(SessionAccepted)] = SessionAcceptedManifest,
        [typeof(SessionRejected)] = SessionRejectedManifest,
        [typeof(StartAgent)] = StartAgentManifest,
        [typeof(SendInput)] = SendInputManifest,
        [typeof(AnswerAgentPermission)] = AnswerAgentPermissionManifest,
        [typeof(StopAgent)] = StopAgentManifest,
        [typeof(AgentNotRunning)] = AgentNotRunningManifest,
        [typeof(StopAllAgents)] = StopAllAgentsManifest,
        [typeof(AgentsStopped)] = AgentsStoppedManifest,
        [typeof(GetRunningAgents)] = GetRunningAgentsManifest,
        [typeof(RunningAgents)] = RunningAgentsManifest,
        [typeof(NotificationPersisted)] = NotificationPersistedManifest,
        [typeof(GetChannelHealth)] = GetChannelHealthManifest,
        [typeof(ChannelHealthReport)] = ChannelHealthReportManifest,
        [typeof(ListNotifications)] = ListNotificationsManifest,
        [typeof(NotificationList)] = NotificationListManifest,
        [typeof(SendTestNotification)] = SendTestNotificationManifest,
        [typeof(TestNotificationResult)] = TestNotificationResultManifest,
        [typeof(ForgetNotifications)] = ForgetNotificationsManifest,
    }.ToImmutableDictionary();

    /// <summary>Every concrete <see cref="SessionCommand"/> this serializer carries inside an envelope or a fact.</summary>
    public static IReadOnlyCollection<System.Type> CommandTypes => SessionCommandProto.Types;

    /// <summary>
    /// HOCON that registers this serializer and binds <see cref="ISessionClusterMessage"/> to it. Use it with
    /// <see cref="SessionEventSerializer.Hocon"/> (a session's state travels in that serializer's snapshot format).
    /// </summary>
    public const string Hocon = """
        akka.actor {
          serializers {
            session-messages = "SessionCluster.Actors.Serialization.SessionMessageSerializer, SessionCluster.Actors"
          }
          serialization-bindings {
            "SessionCluster.Actors.Serialization.ISessionClusterMessage, SessionCluster.Actors" = session-messages
          }
          serialization-identifiers {
            "SessionCluster.Actors.Serialization.SessionMessageSerializer, SessionCluster.Actors" = 4302
          }
        }
        """;

    /// <summary><see cref="Hocon"/>, parsed.</summary>
    public static Config Config => ConfigurationFactory.ParseString(Hocon);

    // The state's encoding has one owner (env and all): the snapshot format, through the event serializer's public API.
    private SessionEventSerializer? events;

    public SessionMessageSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    // The system's own event serializer (found on first use: serializers are built before Serialization is complete),
    // so a state's env is sealed with the node's key, as in snapshots.
    private SessionEventSerializer Events => events ??=
        system.Serialization.FindSerializerForType(typeof(SessionState)) as SessionEventSerializer ?? new SessionEventSerializer(system);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        o is not null && Manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException(
                $"{nameof(SessionMessageSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}: it has no manifest.",
                nameof(o));

    public override byte[] ToBinary(object obj) => obj is GetRunningAgents or GetChannelHealth ? [] : ToProto(obj).ToByteArray();

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return manifest switch
            {
                SessionCommandEnvelopeManifest => FromProto(P.SessionCommandEnvelope.Parser.ParseFrom(bytes)),
                GetSessionManifest => new GetSession(P.GetSession.Parser.ParseFrom(bytes).SessionId),
                SessionFactManifest => FromProto(P.SessionFact.Parser.ParseFrom(bytes)),
                SessionAcceptedManifest => FromProto(P.SessionAccepted.Parser.ParseFrom(bytes)),
                SessionRejectedManifest => FromProto(P.SessionRejected.Parser.ParseFrom(bytes)),
                StartAgentManifest => FromProto(P.StartAgent.Parser.ParseFrom(bytes)),
                SendInputManifest => FromProto(P.SendInput.Parser.ParseFrom(bytes)),
                AnswerAgentPermissionManifest => FromProto(P.AnswerAgentPermission.Parser.ParseFrom(bytes)),
                StopAgentManifest => FromProto(P.StopAgent.Parser.ParseFrom(bytes)),
                AgentNotRunningManifest => new AgentNotRunning(P.AgentNotRunning.Parser.ParseFrom(bytes).SessionId),
                StopAllAgentsManifest => new StopAllAgents(P.StopAllAgents.Parser.ParseFrom(bytes).Reason),
                AgentsStoppedManifest => new AgentsStopped(P.AgentsStopped.Parser.ParseFrom(bytes).Count),
                GetRunningAgentsManifest => GetRunningAgents.Instance,
                RunningAgentsManifest => new RunningAgents([.. P.RunningAgents.Parser.ParseFrom(bytes).SessionIds]),
                NotificationPersistedManifest => FromProto(P.NotificationPersisted.Parser.ParseFrom(bytes)),
                GetChannelHealthManifest => GetChannelHealth.Instance,
                ChannelHealthReportManifest => NotifierMessageProto.FromProto(P.ChannelHealthReport.Parser.ParseFrom(bytes)),
                ListNotificationsManifest => NotifierMessageProto.FromProto(P.ListNotifications.Parser.ParseFrom(bytes)),
                NotificationListManifest => NotifierMessageProto.FromProto(P.NotificationList.Parser.ParseFrom(bytes)),
                SendTestNotificationManifest => new SendTestNotification(P.SendTestNotification.Parser.ParseFrom(bytes).Channel),
                TestNotificationResultManifest => NotifierMessageProto.FromProto(P.TestNotificationResult.Parser.ParseFrom(bytes)),
                ForgetNotificationsManifest => NotifierMessageProto.FromProto(P.ForgetNotifications.Parser.ParseFrom(bytes)),
                _ => throw new SerializationException(
                    $"{nameof(SessionMessageSerializer)} (id {SerializerId}) does not know manifest '{manifest}'. " +
                    $"Known manifests: {string.Join(", ", Manifests.Values.Order(StringComparer.Ordinal))}. " +
                    "Was it sent by a newer version of SessionCluster?"),
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SerializationException(
                $"{nameof(SessionMessageSerializer)}: {bytes.Length} bytes with manifest '{manifest}' are not a valid protobuf message: {e.Message}", e);
        }
    }

    // ---- domain -> proto ----------------------------------------------------------------------

    private IMessage ToProto(object obj) => obj switch
    {
        SessionCommandEnvelope m => new P.SessionCommandEnvelope { SessionId = m.SessionId, Command = SessionCommandProto.ToProto(m.Command) },
        GetSession m => new P.GetSession { SessionId = m.SessionId },
        SessionFact m => new P.SessionFact { SessionId = m.SessionId, Seq = m.Seq, Fact = SessionCommandProto.ToProto(m.Fact) },
        SessionAccepted m => new P.SessionAccepted
        {
            SessionId = m.SessionId,
            State = P.SessionStateSnapshot.Parser.ParseFrom(Events.ToBinary(m.State)),
        },
        SessionRejected m => new P.SessionRejected
        {
            SessionId = m.SessionId,
            Code = WireValues.ToWire(m.Rejection.Code),
            Reason = m.Rejection.Reason,
        },
        StartAgent m => new P.StartAgent { SessionId = m.SessionId, Agent = m.Agent, Request = ToProto(m.Request) },
        SendInput m => new P.SendInput { SessionId = m.SessionId, Message = m.Message },
        AnswerAgentPermission m => ToProto(m),
        StopAgent m => ToProto(m),
        AgentNotRunning m => new P.AgentNotRunning { SessionId = m.SessionId },
        StopAllAgents m => new P.StopAllAgents { Reason = m.Reason },
        AgentsStopped m => new P.AgentsStopped { Count = m.Count },
        RunningAgents m => new P.RunningAgents { SessionIds = { m.SessionIds } },
        NotificationPersisted m => new P.NotificationPersisted
        {
            Id = m.Id,
            Notification = P.NotificationRaised.Parser.ParseFrom(Events.ToBinary(new NotificationRaised(m.Notification, m.Notification.At))).Notification,
        },
        ChannelHealthReport m => NotifierMessageProto.ToProto(m),
        ListNotifications m => NotifierMessageProto.ToProto(m),
        NotificationList m => NotifierMessageProto.ToProto(m),
        SendTestNotification m => new P.SendTestNotification { Channel = m.Channel },
        TestNotificationResult m => NotifierMessageProto.ToProto(m),
        ForgetNotifications m => NotifierMessageProto.ToProto(m),
        _ => throw new ArgumentException(
            $"{nameof(SessionMessageSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}: it has no manifest.",
            nameof(obj)),
    };

    private static P.AgentLaunchRequest ToProto(AgentLaunchRequest r)
    {
        var p = new P.AgentLaunchRequest { SessionId = r.SessionId, Prompt = r.Launch.Prompt, Workdir = r.Launch.Workdir, MultiTurn = r.Launch.MultiTurn };
        if (r.Launch.Model is not null)
        {
            p.Model = r.Launch.Model;
        }

        WriteEnv(p.Env, r.Launch.Env);
        if (r.ResumeAgentSessionId is not null)
        {
            p.ResumeAgentSessionId = r.ResumeAgentSessionId;
        }

        // Fields 2-7 above are what nodes of older versions read; the whole launch is here.
        p.Launch = LaunchSpecProto.ToProto(r.Launch);
        WriteEnv(p.Launch.Env, r.Launch.Env);
        return p;
    }

    private static P.AnswerAgentPermission ToProto(AnswerAgentPermission m)
    {
        var p = new P.AnswerAgentPermission { SessionId = m.SessionId, RequestId = m.RequestId, Allow = m.Allow, Remember = m.Remember };
        if (m.Message is not null)
        {
            p.Message = m.Message;
        }

        return p;
    }

    private static AnswerAgentPermission FromProto(P.AnswerAgentPermission p) =>
        new(p.SessionId, p.RequestId, p.Allow, p.HasMessage ? p.Message : null, p.Remember);

    private static P.StopAgent ToProto(StopAgent m)
    {
        var p = new P.StopAgent { SessionId = m.SessionId, Mode = WireValues.ToWire(m.Mode), StartTime = m.StartTime };
        if (m.Pid is { } pid)
        {
            p.Pid = pid;
        }

        return p;
    }

    // ---- proto -> domain ----------------------------------------------------------------------

    private static SessionCommandEnvelope FromProto(P.SessionCommandEnvelope p) =>
        new(p.SessionId, SessionCommandProto.FromProto(p.Command, "SessionCommandEnvelope.command"));

    private static SessionFact FromProto(P.SessionFact p) =>
        new(p.SessionId, p.Seq, SessionCommandProto.FromProto(p.Fact, "SessionFact.fact"));

    private SessionAccepted FromProto(P.SessionAccepted p) => new(
        p.SessionId,
        Events.FromBinary((p.State ?? throw Missing("SessionAccepted.state")).ToByteArray(), SessionEventSerializer.SessionStateManifest) switch
        {
            SessionState state => state,
            UnreadableEvent unreadable => throw new SerializationException($"SessionAccepted.state: {unreadable.Problem}"),
            var other => throw new SerializationException($"SessionAccepted.state: read as {other.GetType().Name}, not a session state."),
        });

    private static SessionRejected FromProto(P.SessionRejected p) =>
        new(p.SessionId, new Rejection(RejectionCodeFrom(p.Code, "SessionRejected.code"), p.Reason));

    private static StartAgent FromProto(P.StartAgent p)
    {
        var r = p.Request ?? throw Missing("StartAgent.request");
        if (r.Launch is { } launch)
        {
            return new StartAgent(p.SessionId, p.Agent, new AgentLaunchRequest(
                r.SessionId, LaunchSpecProto.FromProto(launch, ReadEnv(launch.Env), "StartAgent.request.launch")));
        }

        // From a node of an older version: what the agent needs, without the auto-respond cap (the session's business).
        return new StartAgent(p.SessionId, p.Agent, new AgentLaunchRequest(
            r.SessionId,
            new LaunchSpec(
                p.Agent,
                r.Prompt,
                r.Workdir,
                r.HasModel ? r.Model : null,
                r.MultiTurn,
                0,
                ReadEnv(r.Env),
                ResumedFrom: r.HasResumeAgentSessionId ? new ResumeLink(string.Empty, r.ResumeAgentSessionId) : null)));
    }

    private static SendInput FromProto(P.SendInput p) => new(p.SessionId, p.Message);

    // The notification has one encoding, the journal's: read back through the event serializer as a NotificationRaised.
    private NotificationPersisted FromProto(P.NotificationPersisted p)
    {
        var notification = p.Notification ?? throw Missing("NotificationPersisted.notification");
        var raised = new P.NotificationRaised { At = notification.At, Notification = notification }.ToByteArray();
        return Events.FromBinary(raised, SessionEventSerializer.NotificationRaisedManifest) switch
        {
            NotificationRaised read => new NotificationPersisted(p.Id, read.Notification),
            UnreadableEvent unreadable => throw new SerializationException($"NotificationPersisted.notification: {unreadable.Problem}"),
            var other => throw new SerializationException($"NotificationPersisted.notification: read as {other.GetType().Name}, not a notification."),
        };
    }

    private static StopAgent FromProto(P.StopAgent p) =>
        new(p.SessionId, StopModeFrom(p.Mode, "StopAgent.mode"), p.HasPid ? p.Pid : null, p.StartTime);
}
