using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Serialization.WireValues;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// The Akka.NET serializer for everything SessionCluster persists: every <see cref="SessionEvent"/> the journal
/// stores and the <see cref="SessionState"/> snapshot. The wire format is protobuf
/// (<c>Serialization/Proto/session_events.proto</c>, which also states the rules for changing it).
/// </summary>
/// <remarks>
/// <para>Manifests are stored beside every journal row and snapshot: they are part of the format and never change.
/// A new event gets a new manifest; an incompatible change to an event is a new manifest, and the old one stays readable.</para>
/// <code>
/// Manifest  Type                     Proto message
/// --------  -----------------------  ----------------------
/// SL        SessionLaunched          SessionLaunched
/// APS       AgentProcessStarted      AgentProcessStarted
/// ASI       AgentSessionIdentified   AgentSessionIdentified
/// TC        TurnCompleted            TurnCompleted
/// WFI       WaitingForInput          WaitingForInput
/// RSP       Responded                Responded
/// APX       AgentProcessExited       AgentProcessExited
/// SC        SessionCompleted         SessionCompleted
/// SI        SessionInterrupted       SessionInterrupted
/// SK        SessionKilled            SessionKilled
/// SF        SessionFailed            SessionFailed
/// SRA       SessionResumedAs         SessionResumedAs
/// RSL       ResumedSessionLaunched   ResumedSessionLaunched
/// AFA       AgentFactApplied         AgentFactApplied
/// PRQ       PermissionRequested      PermissionRequested
/// PDC       PermissionDecided        PermissionDecided
/// PAD       PermissionAnswerDelivered PermissionAnswerDelivered
/// ARY       ApiRetrying              ApiRetrying
/// SP        SessionPruned            SessionPruned
/// NR        NotificationRaised       NotificationRaised
/// SS        SessionState (snapshot)  SessionStateSnapshot
/// </code>
/// <para>What the domain gets back: every value equal to what was written, with two definitions.
/// A <see cref="DateTimeOffset"/> comes back as the same instant to the tick (100 ns), with offset +00:00.
/// An <c>Env</c> comes back as an <see cref="ImmutableSortedDictionary{TKey,TValue}"/> with
/// <see cref="StringComparer.Ordinal"/> keys. Decimals keep their scale (1.50m stays 1.50m).</para>
/// <para>Env values never reach the bytes in plaintext: each is sealed by an <see cref="EnvCipher"/>; names stay readable.</para>
/// <para>Bind it with Akka.Hosting and the node's key, as the node does:
/// <c>builder.WithCustomSerializer(SessionEventSerializer.SerializerName, SessionEventSerializer.BoundTypes,
/// system =&gt; new SessionEventSerializer(system, envCipher))</c>; or with HOCON (<see cref="Config"/> /
/// <see cref="Hocon"/>), which seals with a key that dies with the process (tests).</para>
/// </remarks>
public sealed class SessionEventSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id stored beside every journal row and snapshot. Never change it.</summary>
    public const int SerializerId = 4301;

    /// <summary>The name the serializer is registered under in <c>akka.actor.serializers</c>.</summary>
    public const string SerializerName = "session-events";

    public const string SessionLaunchedManifest = "SL";
    public const string AgentProcessStartedManifest = "APS";
    public const string AgentSessionIdentifiedManifest = "ASI";
    public const string TurnCompletedManifest = "TC";
    public const string WaitingForInputManifest = "WFI";
    public const string RespondedManifest = "RSP";
    public const string AgentProcessExitedManifest = "APX";
    public const string SessionCompletedManifest = "SC";
    public const string SessionInterruptedManifest = "SI";
    public const string SessionKilledManifest = "SK";
    public const string SessionFailedManifest = "SF";
    public const string SessionResumedAsManifest = "SRA";
    public const string ResumedSessionLaunchedManifest = "RSL";
    public const string AgentFactAppliedManifest = "AFA";
    public const string SessionStateManifest = "SS";
    public const string PermissionRequestedManifest = "PRQ";
    public const string PermissionDecidedManifest = "PDC";
    public const string PermissionAnswerDeliveredManifest = "PAD";
    public const string ApiRetryingManifest = "ARY";
    public const string SessionPrunedManifest = "SP";
    public const string NotificationRaisedManifest = "NR";

    /// <summary>The domain types this serializer is bound to (every event through their base type, and the snapshot).</summary>
    public static IReadOnlyList<System.Type> BoundTypes { get; } = [typeof(SessionEvent), typeof(SessionState)];

    /// <summary>Every type this serializer writes, with its manifest.</summary>
    public static IReadOnlyDictionary<System.Type, string> Manifests { get; } = new Dictionary<System.Type, string>
    {
        [typeof(SessionLaunched)] = SessionLaunchedManifest,
        [typeof(AgentProcessStarted)] = AgentProcessStartedManifest,
        [typeof(AgentSessionIdentified)] = AgentSessionIdentifiedManifest,
        [typeof(TurnCompleted)] = TurnCompletedManifest,
        [typeof(WaitingForInput)] = WaitingForInputManifest,
        [typeof(Responded)] = RespondedManifest,
        [typeof(AgentProcessExited)] = AgentProcessExitedManifest,
        [typeof(SessionCompleted)] = SessionCompletedManifest,
        [typeof(SessionInterrupted)] = SessionInterruptedManifest,
        [typeof(SessionKilled)] = SessionKilledManifest,
        [typeof(SessionPruned)] = SessionPrunedManifest,
        [typeof(SessionFailed)] = SessionFailedManifest,
        [typeof(SessionResumedAs)] = SessionResumedAsManifest,
        [typeof(ResumedSessionLaunched)] = ResumedSessionLaunchedManifest,
        [typeof(AgentFactApplied)] = AgentFactAppliedManifest,
        [typeof(SessionState)] = SessionStateManifest,
        [typeof(PermissionRequested)] = PermissionRequestedManifest,
        [typeof(PermissionDecided)] = PermissionDecidedManifest,
        [typeof(PermissionAnswerDelivered)] = PermissionAnswerDeliveredManifest,
        [typeof(ApiRetrying)] = ApiRetryingManifest,
        [typeof(NotificationRaised)] = NotificationRaisedManifest,
    }.ToImmutableDictionary();

    /// <summary>
    /// HOCON that registers this serializer and binds <see cref="SessionEvent"/> and <see cref="SessionState"/> to it.
    /// Use it as a fallback or prepend it to the system's config.
    /// </summary>
    public const string Hocon = """
        akka.actor {
          serializers {
            session-events = "SessionCluster.Actors.Serialization.SessionEventSerializer, SessionCluster.Actors"
          }
          serialization-bindings {
            "SessionCluster.Domain.SessionEvent, SessionCluster.Domain" = session-events
            "SessionCluster.Domain.SessionState, SessionCluster.Domain" = session-events
          }
          serialization-identifiers {
            "SessionCluster.Actors.Serialization.SessionEventSerializer, SessionCluster.Actors" = 4301
          }
        }
        """;

    /// <summary><see cref="Hocon"/>, parsed.</summary>
    public static Config Config => ConfigurationFactory.ParseString(Hocon);

    private readonly EnvCipher envCipher;

    /// <summary>
    /// For a binding through HOCON alone (tests): env values are sealed with <see cref="EnvCipher.Ephemeral"/>,
    /// which no other process can open. The node uses the other constructor with its own key.
    /// </summary>
    public SessionEventSerializer(ExtendedActorSystem system) : this(system, EnvCipher.Ephemeral)
    {
    }

    /// <summary>Env values are sealed with <paramref name="envCipher"/>; plaintext env of older events is still read.</summary>
    public SessionEventSerializer(ExtendedActorSystem system, EnvCipher envCipher) : base(system)
    {
        this.envCipher = envCipher ?? throw new ArgumentNullException(nameof(envCipher));
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        o is not null && Manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException(
                $"{nameof(SessionEventSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}: it has no manifest.",
                nameof(o));

    public override byte[] ToBinary(object obj) => ToProto(obj).ToByteArray();

    /// <summary>The event or state, or an <see cref="UnreadableEvent"/> for an unknown manifest or bytes that do not decode: never throws for those.</summary>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return manifest switch
            {
                SessionLaunchedManifest => FromProto(P.SessionLaunched.Parser.ParseFrom(bytes)),
                AgentProcessStartedManifest => FromProto(P.AgentProcessStarted.Parser.ParseFrom(bytes)),
                AgentSessionIdentifiedManifest => FromProto(P.AgentSessionIdentified.Parser.ParseFrom(bytes)),
                TurnCompletedManifest => FromProto(P.TurnCompleted.Parser.ParseFrom(bytes)),
                WaitingForInputManifest => FromProto(P.WaitingForInput.Parser.ParseFrom(bytes)),
                RespondedManifest => FromProto(P.Responded.Parser.ParseFrom(bytes)),
                AgentProcessExitedManifest => FromProto(P.AgentProcessExited.Parser.ParseFrom(bytes)),
                SessionCompletedManifest => new SessionCompleted(Time(P.SessionCompleted.Parser.ParseFrom(bytes).At, "SessionCompleted.at")),
                SessionInterruptedManifest => FromProto(P.SessionInterrupted.Parser.ParseFrom(bytes)),
                SessionKilledManifest => new SessionKilled(Time(P.SessionKilled.Parser.ParseFrom(bytes).At, "SessionKilled.at")),
                SessionPrunedManifest => new SessionPruned(Time(P.SessionPruned.Parser.ParseFrom(bytes).At, "SessionPruned.at")),
                SessionFailedManifest => FromProto(P.SessionFailed.Parser.ParseFrom(bytes)),
                SessionResumedAsManifest => FromProto(P.SessionResumedAs.Parser.ParseFrom(bytes)),
                ResumedSessionLaunchedManifest => FromProto(P.ResumedSessionLaunched.Parser.ParseFrom(bytes)),
                AgentFactAppliedManifest => FromProto(P.AgentFactApplied.Parser.ParseFrom(bytes)),
                SessionStateManifest => FromProto(P.SessionStateSnapshot.Parser.ParseFrom(bytes)),
                PermissionRequestedManifest => FromProto(P.PermissionRequested.Parser.ParseFrom(bytes)),
                PermissionDecidedManifest => FromProto(P.PermissionDecided.Parser.ParseFrom(bytes)),
                PermissionAnswerDeliveredManifest => FromProto(P.PermissionAnswerDelivered.Parser.ParseFrom(bytes)),
                ApiRetryingManifest => FromProto(P.ApiRetrying.Parser.ParseFrom(bytes)),
                NotificationRaisedManifest => FromProto(P.NotificationRaised.Parser.ParseFrom(bytes)),
                _ => new UnreadableEvent(manifest,
                    $"{nameof(SessionEventSerializer)} (id {SerializerId}) does not know manifest '{manifest}'. " +
                    $"Known manifests: {string.Join(", ", Manifests.Values.Order(StringComparer.Ordinal))}. " +
                    "Was it written by a newer version of SessionCluster?"),
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            // Returned, not thrown: a throw would fail the entity's recovery and the directory's tag query for good.
            return new UnreadableEvent(manifest,
                $"{nameof(SessionEventSerializer)}: {bytes.Length} bytes with manifest '{manifest}' are not a valid protobuf message: {e.Message}");
        }
        catch (SerializationException e)
        {
            // A missing field or a wire name this version does not know (a newer node's error kind, say).
            return new UnreadableEvent(manifest, $"{nameof(SessionEventSerializer)}: manifest '{manifest}': {e.Message}");
        }
    }

    // ---- domain -> proto ----------------------------------------------------------------------

    private IMessage ToProto(object obj) => obj switch
    {
        SessionLaunched e => ToProto(e),
        AgentProcessStarted e => new P.AgentProcessStarted { At = Time(e.At), Node = e.Node, Pid = e.Pid, NodeId = e.NodeId, StartTime = e.StartTime },
        AgentSessionIdentified e => ToProto(e),
        TurnCompleted e => ToProto(e),
        WaitingForInput e => ToProto(e),
        PermissionRequested e => new P.PermissionRequested { At = Time(e.At), RequestId = e.RequestId, Tool = e.Tool, Summary = e.Summary },
        PermissionDecided e => ToProto(e),
        PermissionAnswerDelivered e => new P.PermissionAnswerDelivered { At = Time(e.At), RequestId = e.RequestId },
        ApiRetrying e => new P.ApiRetrying { At = Time(e.At), Attempt = e.Attempt, Message = e.Message },
        Responded e => new P.Responded { At = Time(e.At), Message = e.Message, Auto = e.Auto },
        AgentProcessExited e => ToProto(e),
        SessionCompleted e => new P.SessionCompleted { At = Time(e.At) },
        SessionInterrupted e => ToProto(e),
        SessionKilled e => new P.SessionKilled { At = Time(e.At) },
        SessionPruned e => new P.SessionPruned { At = Time(e.At) },
        SessionFailed e => new P.SessionFailed { At = Time(e.At), Error = ToProto(e.Error) },
        SessionResumedAs e => ToProto(e),
        ResumedSessionLaunched e => ToProto(e),
        AgentFactApplied e => new P.AgentFactApplied { At = Time(e.At), Seq = e.Seq },
        NotificationRaised e => new P.NotificationRaised { At = Time(e.At), Notification = ToProto(e.Notification) },
        SessionState s => ToProto(s),
        _ => throw new ArgumentException(
            $"{nameof(SessionEventSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}: it has no manifest.",
            nameof(obj)),
    };

    private static P.SessionResumedAs ToProto(SessionResumedAs e)
    {
        var p = new P.SessionResumedAs { At = Time(e.At), NewSessionId = e.NewSessionId };
        if (e.Prompt is not null)
        {
            p.Prompt = e.Prompt;
        }

        return p;
    }

    private static P.ResumedSessionLaunched ToProto(ResumedSessionLaunched e)
    {
        var p = new P.ResumedSessionLaunched { At = Time(e.At), NewSessionId = e.NewSessionId };
        if (e.Refused is not null)
        {
            p.Refused = e.Refused;
        }

        return p;
    }

    private P.SessionLaunched ToProto(SessionLaunched e) => new()
    {
        At = Time(e.At),
        Id = e.Id,
        Name = e.Name,
        Launch = SealedLaunch(e.Spec, e.Id),
        Placement = LaunchSpecProto.ToProto(e.Placement),
    };

    private P.LaunchSpec SealedLaunch(LaunchSpec spec, string sessionId)
    {
        var p = LaunchSpecProto.ToProto(spec);
        SealEnv(p.SealedEnv, sessionId, spec.Env);
        return p;
    }

    private static P.TurnCompleted ToProto(TurnCompleted e)
    {
        var p = new P.TurnCompleted
        {
            At = Time(e.At), TotalCostUsd = Money(e.TotalCostUsd), Usage = Usage(e.Usage), PermissionDenials = e.PermissionDenials,
        };
        if (e.LastText is not null)
        {
            p.LastText = e.LastText;
        }

        return p;
    }

    private static P.Notification ToProto(Notification n)
    {
        var p = new P.Notification
        {
            Kind = n.Kind.ToWire(),
            SessionId = n.SessionId,
            SessionName = n.SessionName,
            Agent = n.Agent,
            Status = n.Status,
            Text = n.Text,
            Turns = n.Turns,
            CostUsd = Money(n.CostUsd),
            Usage = Usage(n.Usage),
            At = Time(n.At),
        };
        p.Commands.AddRange(n.Commands);
        if (n.Channel is not null)
        {
            p.Channel = n.Channel;
        }

        if (n.Error is not null)
        {
            p.Error = ToProto(n.Error);
        }

        if (n.Question is not null)
        {
            p.Question = n.Question;
        }

        if (n.Permission is not null)
        {
            p.Permission = ToProto(n.Permission);
        }

        if (n.LastOutput is not null)
        {
            p.LastOutput = n.LastOutput;
        }

        if (n.Node is not null)
        {
            p.Node = n.Node;
        }

        if (n.Duration is { } duration)
        {
            p.Duration = Duration.FromTimeSpan(duration);
        }

        return p;
    }

    private static P.WaitingForInput ToProto(WaitingForInput e)
    {
        var p = new P.WaitingForInput { At = Time(e.At), Reason = e.Reason.ToWire() };
        if (e.Question is not null)
        {
            p.Question = e.Question;
        }

        return p;
    }

    private static P.PermissionDecided ToProto(PermissionDecided e)
    {
        var p = new P.PermissionDecided { At = Time(e.At), RequestId = e.RequestId, Allowed = e.Allowed, Remember = e.Remember, By = e.By };
        if (e.Message is not null)
        {
            p.Message = e.Message;
        }

        return p;
    }

    private static P.AgentSessionIdentified ToProto(AgentSessionIdentified e)
    {
        var p = new P.AgentSessionIdentified { At = Time(e.At), AgentSessionId = e.AgentSessionId };
        if (e.Model is not null)
        {
            p.Model = e.Model;
        }

        return p;
    }

    private static P.SessionInterrupted ToProto(SessionInterrupted e)
    {
        var p = new P.SessionInterrupted { At = Time(e.At) };
        if (e.Reason is not null)
        {
            p.Reason = e.Reason;
        }

        return p;
    }

    private static P.AgentProcessExited ToProto(AgentProcessExited e)
    {
        var p = new P.AgentProcessExited { At = Time(e.At) };
        if (e.ExitCode is { } exitCode)
        {
            p.ExitCode = exitCode;
        }

        if (e.Signal is { } signal)
        {
            p.Signal = signal;
        }

        return p;
    }

    private P.SessionStateSnapshot ToProto(SessionState s)
    {
        var p = new P.SessionStateSnapshot
        {
            Id = s.Id,
            Name = s.Name,
            Launch = SealedLaunch(s.Launch, s.Id),
            Status = s.Status.ToWire(),
            WaitingReason = s.WaitingReason.ToWire(),
            TurnsCompleted = s.TurnsCompleted,
            RespondCount = s.RespondCount,
            AutoRespondCount = s.AutoRespondCount,
            CostUsd = Money(s.CostUsd),
            Usage = Usage(s.Usage),
            ProcessCount = s.ProcessCount,
            ProcessStartTime = s.ProcessStartTime,
            LastFactSeq = s.LastFactSeq,
            CreatedAt = Time(s.CreatedAt),
            UpdatedAt = Time(s.UpdatedAt),
            PermissionsAllowed = s.PermissionsAllowed,
            PermissionsDenied = s.PermissionsDenied,
            LastTurnDenials = s.LastTurnDenials,
        };
        if (s.Model is not null)
        {
            p.Model = s.Model;
        }

        WritePermissions(p, s);
        if (s.AgentSessionId is not null)
        {
            p.AgentSessionId = s.AgentSessionId;
        }

        p.ResumedAs.AddRange(s.ResumedAs);
        p.UnlaunchedResumes.AddRange(s.UnlaunchedResumes.Select(r => new P.PendingResume { NewSessionId = r.NewSessionId, Prompt = r.Prompt, At = Time(r.At) }));
        if (s.Node is not null)
        {
            p.Node = s.Node;
        }

        if (s.NodeId is not null)
        {
            p.NodeId = s.NodeId;
        }

        if (s.NodeAddress is not null)
        {
            p.NodeAddress = s.NodeAddress;
        }

        if (s.Pid is { } pid)
        {
            p.Pid = pid;
        }

        if (s.StopReason is not null)
        {
            p.StopReason = s.StopReason;
        }

        if (s.LastExitCode is { } exitCode)
        {
            p.LastExitCode = exitCode;
        }

        if (s.LastSignal is { } signal)
        {
            p.LastSignal = signal;
        }

        if (s.FinishedAt is { } finishedAt)
        {
            p.FinishedAt = Time(finishedAt);
        }

        if (s.Error is not null)
        {
            p.Error = ToProto(s.Error);
        }

        return p;
    }

    private static P.PermissionRequest ToProto(PermissionRequest asked) => new()
    {
        RequestId = asked.RequestId, Tool = asked.Tool, Summary = asked.Summary, RequestedAt = Time(asked.RequestedAt),
    };

    private static P.PermissionAnswer ToProto(PermissionAnswer answer)
    {
        var p = new P.PermissionAnswer { RequestId = answer.RequestId, Allow = answer.Allow, Remember = answer.Remember };
        if (answer.Message is not null)
        {
            p.Message = answer.Message;
        }

        return p;
    }

    private static PermissionRequest FromProto(P.PermissionRequest asked) =>
        new(asked.RequestId, asked.Tool, asked.Summary, Time(asked.RequestedAt, "PermissionRequest.requested_at"));

    private static PermissionAnswer FromProto(P.PermissionAnswer answer) =>
        new(answer.RequestId, answer.Allow, answer.HasMessage ? answer.Message : null, answer.Remember);

    private static void WritePermissions(P.SessionStateSnapshot p, SessionState s)
    {
        if (s.PendingPermission is { } asked)
        {
            p.PendingPermission = ToProto(asked);
        }

        p.QueuedPermissions.AddRange(s.QueuedPermissions.Select(ToProto));

        // The oldest answer in its own field (as before queued requests, so older nodes still read it), the rest after it.
        if (!s.UndeliveredPermissionAnswers.IsEmpty)
        {
            p.UndeliveredPermissionAnswer = ToProto(s.UndeliveredPermissionAnswers[0]);
            p.MoreUndeliveredPermissionAnswers.AddRange(s.UndeliveredPermissionAnswers.Skip(1).Select(ToProto));
        }

        foreach (var d in s.RecentPermissions)
        {
            var decision = new P.PermissionDecision
            {
                RequestId = d.RequestId, Tool = d.Tool, Summary = d.Summary, Allowed = d.Allowed, By = d.By,
                RequestedAt = Time(d.RequestedAt), DecidedAt = Time(d.DecidedAt),
            };
            if (d.Message is not null)
            {
                decision.Message = d.Message;
            }

            p.RecentPermissions.Add(decision);
        }

        if (s.Question is not null)
        {
            p.Question = s.Question;
        }

        if (s.LastText is not null)
        {
            p.LastText = s.LastText;
        }

        if (s.ApiRetry is { } retry)
        {
            p.ApiRetry = new P.ApiRetry { Attempt = retry.Attempt, Message = retry.Message, Since = Time(retry.Since) };
        }
    }

    private static P.ErrorContext ToProto(ErrorContext e)
    {
        var p = new P.ErrorContext
        {
            Kind = e.Kind.ToWire(),
            Message = e.Message,
            StderrTail = e.StderrTail,
            OutputTail = e.OutputTail,
            Suggestion = e.Suggestion,
        };
        if (e.ExitCode is { } exitCode)
        {
            p.ExitCode = exitCode;
        }

        if (e.Signal is { } signal)
        {
            p.Signal = signal;
        }

        return p;
    }

    /// <summary>
    /// Names in plaintext, values sealed; ordinal key order, whatever the dictionary's comparer, so with a fixed
    /// nonce source the bytes depend only on the content. The plaintext env field is never written.
    /// </summary>
    private void SealEnv(MapField<string, ByteString> target, string sessionId, ImmutableSortedDictionary<string, string> env)
    {
        foreach (var (key, value) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            target.Add(key, ByteString.CopyFrom(envCipher.Seal(sessionId, key, value)));
        }
    }

    // ---- proto -> domain ----------------------------------------------------------------------

    private SessionLaunched FromProto(P.SessionLaunched p) => new(
        p.Id,
        p.Name,
        p.Launch is { } launch
            ? LaunchSpecProto.FromProto(launch, ReadEnv(launch.Env, launch.SealedEnv, p.Id, "SessionLaunched.launch"), "SessionLaunched.launch")
            // Written before the launch spec: the flat fields, and no mode.
            : new LaunchSpec(
                p.Agent,
                p.Prompt,
                p.Workdir,
                p.HasModel ? p.Model : null,
                p.MultiTurn,
                p.MaxAutoResponds,
                ReadEnv(p.Env, p.SealedEnv, p.Id, "SessionLaunched"),
                LaunchSpecProto.BeforeModes,
                LaunchSpecProto.ResumeLinkFrom(p.ResumedFrom)),
        Time(p.At, "SessionLaunched.at"),
        LaunchSpecProto.PlacementFrom(p.Placement));

    private static PermissionRequested FromProto(P.PermissionRequested p) =>
        new(p.RequestId, p.Tool, p.Summary, Time(p.At, "PermissionRequested.at"));

    private static PermissionDecided FromProto(P.PermissionDecided p) =>
        new(p.RequestId, p.Allowed, p.HasMessage ? p.Message : null, p.Remember, p.By, Time(p.At, "PermissionDecided.at"));

    private static PermissionAnswerDelivered FromProto(P.PermissionAnswerDelivered p) =>
        new(p.RequestId, Time(p.At, "PermissionAnswerDelivered.at"));

    private static ApiRetrying FromProto(P.ApiRetrying p) => new(p.Attempt, p.Message, Time(p.At, "ApiRetrying.at"));

    private static AgentProcessStarted FromProto(P.AgentProcessStarted p) =>
        new(p.Node, p.Pid, Time(p.At, "AgentProcessStarted.at"), p.NodeId, p.StartTime);

    private static SessionInterrupted FromProto(P.SessionInterrupted p) =>
        new(Time(p.At, "SessionInterrupted.at"), p.HasReason ? p.Reason : null);

    private static AgentFactApplied FromProto(P.AgentFactApplied p) => new(p.Seq, Time(p.At, "AgentFactApplied.at"));

    private static AgentSessionIdentified FromProto(P.AgentSessionIdentified p) =>
        new(p.AgentSessionId, p.HasModel ? p.Model : null, Time(p.At, "AgentSessionIdentified.at"));

    private static TurnCompleted FromProto(P.TurnCompleted p) => new(
        Money(p.TotalCostUsd, "TurnCompleted.total_cost_usd"),
        Usage(p.Usage, "TurnCompleted.usage"),
        Time(p.At, "TurnCompleted.at"),
        p.PermissionDenials,
        p.HasLastText ? p.LastText : null);

    private static NotificationRaised FromProto(P.NotificationRaised p) => new(
        FromProto(p.Notification ?? throw Missing("NotificationRaised.notification")),
        Time(p.At, "NotificationRaised.at"));

    private static Notification FromProto(P.Notification p) => new(
        NotificationKinds.FromWire(p.Kind) ?? throw new SerializationException($"Notification.kind: unknown notification kind '{p.Kind}'."),
        p.SessionId,
        p.SessionName,
        p.Agent,
        p.Status,
        p.HasChannel ? p.Channel : null,
        p.Text,
        p.Error is null ? null : FromProto(p.Error),
        p.HasQuestion ? p.Question : null,
        p.Permission is null ? null : FromProto(p.Permission),
        [.. p.Commands],
        p.HasLastOutput ? p.LastOutput : null,
        p.Turns,
        Money(p.CostUsd, "Notification.cost_usd"),
        Usage(p.Usage, "Notification.usage"),
        p.HasNode ? p.Node : null,
        p.Duration is null ? null : DurationOf(p.Duration, "Notification.duration"),
        Time(p.At, "Notification.at"));

    private static TimeSpan DurationOf(Duration p, string field)
    {
        try
        {
            return p.ToTimeSpan();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new SerializationException($"{field}: {p} is not a valid duration: {e.Message}", e);
        }
    }

    private static WaitingForInput FromProto(P.WaitingForInput p) =>
        new(WaitingReasonFrom(p.Reason, "WaitingForInput.reason"), Time(p.At, "WaitingForInput.at"), p.HasQuestion ? p.Question : null);

    private static Responded FromProto(P.Responded p) => new(p.Message, p.Auto, Time(p.At, "Responded.at"));

    private static AgentProcessExited FromProto(P.AgentProcessExited p) => new(
        p.HasExitCode ? p.ExitCode : null,
        p.HasSignal ? p.Signal : null,
        Time(p.At, "AgentProcessExited.at"));

    private static SessionFailed FromProto(P.SessionFailed p) => new(
        FromProto(p.Error ?? throw Missing("SessionFailed.error")),
        Time(p.At, "SessionFailed.at"));

    private static SessionResumedAs FromProto(P.SessionResumedAs p) =>
        new(p.NewSessionId, Time(p.At, "SessionResumedAs.at"), p.HasPrompt ? p.Prompt : null);

    private static ResumedSessionLaunched FromProto(P.ResumedSessionLaunched p) =>
        new(p.NewSessionId, Time(p.At, "ResumedSessionLaunched.at"), p.HasRefused ? p.Refused : null);

    private SessionState FromProto(P.SessionStateSnapshot p) => new()
    {
        Id = p.Id,
        Name = p.Name,
        Launch = LaunchOf(p),
        Model = p.HasModel ? p.Model : null,
        Status = WireNames.TryParseStatus(p.Status, out var status)
            ? status
            : throw new SerializationException($"SessionStateSnapshot.status: unknown session status '{p.Status}'."),
        WaitingReason = WaitingReasonFrom(p.WaitingReason, "SessionStateSnapshot.waiting_reason"),
        TurnsCompleted = p.TurnsCompleted,
        RespondCount = p.RespondCount,
        AutoRespondCount = p.AutoRespondCount,
        CostUsd = Money(p.CostUsd, "SessionStateSnapshot.cost_usd"),
        Usage = Usage(p.Usage, "SessionStateSnapshot.usage"),
        AgentSessionId = p.HasAgentSessionId ? p.AgentSessionId : null,
        ResumedAs = [.. p.ResumedAs],
        UnlaunchedResumes = [.. p.UnlaunchedResumes.Select(r => new PendingResume(r.NewSessionId, r.Prompt, Time(r.At, "PendingResume.at")))],
        Node = p.HasNode ? p.Node : null,
        NodeId = p.HasNodeId ? p.NodeId : null,
        NodeAddress = p.HasNodeAddress ? p.NodeAddress : null,
        Pid = p.HasPid ? p.Pid : null,
        ProcessStartTime = p.ProcessStartTime,
        LastFactSeq = p.LastFactSeq,
        StopReason = p.HasStopReason ? p.StopReason : null,
        ProcessCount = p.ProcessCount,
        LastExitCode = p.HasLastExitCode ? p.LastExitCode : null,
        LastSignal = p.HasLastSignal ? p.LastSignal : null,
        CreatedAt = Time(p.CreatedAt, "SessionStateSnapshot.created_at"),
        UpdatedAt = Time(p.UpdatedAt, "SessionStateSnapshot.updated_at"),
        FinishedAt = p.FinishedAt is null ? null : Time(p.FinishedAt, "SessionStateSnapshot.finished_at"),
        Error = p.Error is null ? null : FromProto(p.Error),
        PendingPermission = p.PendingPermission is { } asked ? FromProto(asked) : null,
        QueuedPermissions = [.. p.QueuedPermissions.Select(FromProto)],
        // Snapshots written before queued requests hold at most the one answer, in field 37.
        UndeliveredPermissionAnswers = p.UndeliveredPermissionAnswer is { } oldest
            ? [FromProto(oldest), .. p.MoreUndeliveredPermissionAnswers.Select(FromProto)]
            : [.. p.MoreUndeliveredPermissionAnswers.Select(FromProto)],
        PermissionsAllowed = p.PermissionsAllowed,
        PermissionsDenied = p.PermissionsDenied,
        RecentPermissions = [.. p.RecentPermissions.Select(d => new PermissionDecision(
            d.RequestId, d.Tool, d.Summary, d.Allowed, d.HasMessage ? d.Message : null, d.By,
            Time(d.RequestedAt, "PermissionDecision.requested_at"), Time(d.DecidedAt, "PermissionDecision.decided_at")))],
        Question = p.HasQuestion ? p.Question : null,
        LastText = p.HasLastText ? p.LastText : null,
        LastTurnDenials = p.LastTurnDenials,
        ApiRetry = p.ApiRetry is { } retry ? new ApiRetry(retry.Attempt, retry.Message, Time(retry.Since, "ApiRetry.since")) : null,
    };

    private LaunchSpec LaunchOf(P.SessionStateSnapshot p)
    {
        if (p.Launch is { } launch)
        {
            return LaunchSpecProto.FromProto(launch, ReadEnv(launch.Env, launch.SealedEnv, p.Id, "SessionStateSnapshot.launch"), "SessionStateSnapshot.launch");
        }

        // Written before the launch spec. The launch's own model is not there: the state's (the agent's, once named) stands in.
        var resumedFrom = p.HasResumedFromId ? new ResumeLink(p.ResumedFromId, p.HasResumeAgentSessionId ? p.ResumeAgentSessionId : string.Empty) : null;
        return new LaunchSpec(
            p.Agent,
            p.Prompt,
            p.Workdir,
            p.HasModel ? p.Model : null,
            p.MultiTurn,
            p.MaxAutoResponds,
            ReadEnv(p.Env, p.SealedEnv, p.Id, "SessionStateSnapshot"),
            LaunchSpecProto.BeforeModes,
            resumedFrom);
    }

    private static ErrorContext FromProto(P.ErrorContext p) => new(
        WireNames.TryParseErrorKind(p.Kind, out var kind)
            ? kind
            : throw new SerializationException($"ErrorContext.kind: unknown error kind '{p.Kind}'."),
        p.Message,
        p.HasExitCode ? p.ExitCode : null,
        p.HasSignal ? p.Signal : null,
        p.StderrTail,
        p.OutputTail,
        p.Suggestion);

    /// <summary>Older events hold plaintext values, newer ones sealed values; a sealed value wins over a plaintext one.</summary>
    private ImmutableSortedDictionary<string, string> ReadEnv(
        MapField<string, string> plaintext, MapField<string, ByteString> sealedEnv, string sessionId, string message)
    {
        var env = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        env.AddRange(plaintext);
        foreach (var (name, sealedValue) in sealedEnv)
        {
            try
            {
                env[name] = envCipher.Open(sessionId, name, sealedValue.Span);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new SerializationException(
                    $"{message}.sealed_env: {e.Message}. Is this node's secrets key (sessioncluster.secrets) the one the journal was written with?", e);
            }
        }

        return env.ToImmutable();
    }

}
