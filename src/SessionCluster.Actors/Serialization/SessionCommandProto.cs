using SessionCluster.Domain;
using static SessionCluster.Actors.Serialization.WireValues;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>Every <see cref="SessionCommand"/> to and from its case of the <c>SessionCommand</c> proto oneof.</summary>
internal static class SessionCommandProto
{
    /// <summary>Every concrete command, by the oneof case that carries it.</summary>
    public static IReadOnlyCollection<System.Type> Types { get; } =
    [
        typeof(LaunchSession), typeof(RecordProcessStarted), typeof(RecordAgentSessionId), typeof(RecordTurnResult),
        typeof(RecordProcessExit), typeof(RecordLaunchFailure), typeof(RecordAgentFact), typeof(Respond),
        typeof(Interrupt), typeof(Kill), typeof(Prune), typeof(Resume), typeof(MarkNodeLost), typeof(RecordPermissionRequest),
        typeof(AnswerPermission), typeof(RecordPermissionAnswered), typeof(RecordQuestion), typeof(RecordApiRetry),
    ];

    public static P.SessionCommand ToProto(SessionCommand command) => command switch
    {
        LaunchSession c => new P.SessionCommand { LaunchSession = ToProto(c) },
        RecordProcessStarted c => new P.SessionCommand
        {
            RecordProcessStarted = new P.RecordProcessStarted { At = Time(c.At), Node = c.Node, Pid = c.Pid, NodeId = c.NodeId, StartTime = c.StartTime },
        },
        RecordAgentSessionId c => new P.SessionCommand { RecordAgentSessionId = ToProto(c) },
        RecordTurnResult c => new P.SessionCommand { RecordTurnResult = ToProto(c) },
        RecordPermissionRequest c => new P.SessionCommand
        {
            RecordPermissionRequest = new P.RecordPermissionRequest { At = Time(c.At), RequestId = c.RequestId, Tool = c.Tool, Summary = c.Summary },
        },
        AnswerPermission c => new P.SessionCommand { AnswerPermission = ToProto(c) },
        RecordPermissionAnswered c => new P.SessionCommand
        {
            RecordPermissionAnswered = new P.RecordPermissionAnswered { At = Time(c.At), RequestId = c.RequestId },
        },
        RecordQuestion c => new P.SessionCommand { RecordQuestion = new P.RecordQuestion { At = Time(c.At), Text = c.Text } },
        RecordApiRetry c => new P.SessionCommand
        {
            RecordApiRetry = new P.RecordApiRetry { At = Time(c.At), Attempt = c.Attempt, Message = c.Message },
        },
        RecordProcessExit c => new P.SessionCommand { RecordProcessExit = new P.RecordProcessExit { At = Time(c.At), Exit = ToProto(c.Exit) } },
        RecordLaunchFailure c => new P.SessionCommand
        {
            RecordLaunchFailure = new P.RecordLaunchFailure { At = Time(c.At), Kind = c.Kind.ToWire(), Message = c.Message, Node = c.Node },
        },
        RecordAgentFact c => new P.SessionCommand { RecordAgentFact = new P.RecordAgentFact { At = Time(c.At), Seq = c.Seq, Fact = ToProto(c.Fact) } },
        Respond c => new P.SessionCommand { Respond = new P.Respond { At = Time(c.At), Message = c.Message, Auto = c.Auto } },
        Interrupt c => new P.SessionCommand { Interrupt = ToProto(c) },
        Kill c => new P.SessionCommand { Kill = new P.Kill { At = Time(c.At) } },
        Prune c => new P.SessionCommand { Prune = ToProto(c) },
        Resume c => new P.SessionCommand { Resume = ToProto(c) },
        MarkNodeLost c => new P.SessionCommand { MarkNodeLost = new P.MarkNodeLost { At = Time(c.At), Node = c.Node, NodeId = c.NodeId } },
        _ => throw new ArgumentException(
            $"{nameof(SessionMessageSerializer)} cannot serialize the command {command?.GetType().FullName ?? "null"}: it has no case in session_messages.proto.",
            nameof(command)),
    };

    public static SessionCommand FromProto(P.SessionCommand? p, string field) => p is null ? throw Missing(field) : p.CommandCase switch
    {
        P.SessionCommand.CommandOneofCase.LaunchSession => FromProto(p.LaunchSession),
        P.SessionCommand.CommandOneofCase.RecordProcessStarted => new RecordProcessStarted(
            p.RecordProcessStarted.Node,
            p.RecordProcessStarted.Pid,
            Time(p.RecordProcessStarted.At, "RecordProcessStarted.at"),
            p.RecordProcessStarted.NodeId,
            p.RecordProcessStarted.StartTime),
        P.SessionCommand.CommandOneofCase.RecordAgentSessionId => new RecordAgentSessionId(
            p.RecordAgentSessionId.AgentSessionId,
            p.RecordAgentSessionId.HasModel ? p.RecordAgentSessionId.Model : null,
            Time(p.RecordAgentSessionId.At, "RecordAgentSessionId.at")),
        P.SessionCommand.CommandOneofCase.RecordTurnResult => FromProto(p.RecordTurnResult),
        P.SessionCommand.CommandOneofCase.RecordProcessExit => new RecordProcessExit(
            FromProto(p.RecordProcessExit.Exit ?? throw Missing("RecordProcessExit.exit")),
            Time(p.RecordProcessExit.At, "RecordProcessExit.at")),
        P.SessionCommand.CommandOneofCase.RecordLaunchFailure => new RecordLaunchFailure(
            ErrorKindFrom(p.RecordLaunchFailure.Kind, "RecordLaunchFailure.kind"),
            p.RecordLaunchFailure.Message,
            p.RecordLaunchFailure.Node,
            Time(p.RecordLaunchFailure.At, "RecordLaunchFailure.at")),
        P.SessionCommand.CommandOneofCase.RecordAgentFact => new RecordAgentFact(
            p.RecordAgentFact.Seq,
            FromProto(p.RecordAgentFact.Fact, "RecordAgentFact.fact"),
            Time(p.RecordAgentFact.At, "RecordAgentFact.at")),
        P.SessionCommand.CommandOneofCase.Respond => new Respond(p.Respond.Message, p.Respond.Auto, Time(p.Respond.At, "Respond.at")),
        P.SessionCommand.CommandOneofCase.Interrupt => new Interrupt(
            Time(p.Interrupt.At, "Interrupt.at"),
            p.Interrupt.HasReason ? p.Interrupt.Reason : null),
        P.SessionCommand.CommandOneofCase.Kill => new Kill(Time(p.Kill.At, "Kill.at")),
        P.SessionCommand.CommandOneofCase.Prune => new Prune(Time(p.Prune.At, "Prune.at"), p.Prune.CheckChain ? p.Prune.Chain.ToList() : null),
        P.SessionCommand.CommandOneofCase.Resume => new Resume(
            p.Resume.NewSessionId,
            Time(p.Resume.At, "Resume.at"),
            p.Resume.HasPrompt ? p.Resume.Prompt : null),
        P.SessionCommand.CommandOneofCase.MarkNodeLost => new MarkNodeLost(
            p.MarkNodeLost.Node,
            Time(p.MarkNodeLost.At, "MarkNodeLost.at"),
            p.MarkNodeLost.NodeId),
        P.SessionCommand.CommandOneofCase.RecordPermissionRequest => new RecordPermissionRequest(
            p.RecordPermissionRequest.RequestId,
            p.RecordPermissionRequest.Tool,
            p.RecordPermissionRequest.Summary,
            Time(p.RecordPermissionRequest.At, "RecordPermissionRequest.at")),
        P.SessionCommand.CommandOneofCase.AnswerPermission => new AnswerPermission(
            p.AnswerPermission.HasRequestId ? p.AnswerPermission.RequestId : null,
            p.AnswerPermission.Allow,
            p.AnswerPermission.HasMessage ? p.AnswerPermission.Message : null,
            p.AnswerPermission.Remember,
            p.AnswerPermission.By,
            Time(p.AnswerPermission.At, "AnswerPermission.at")),
        P.SessionCommand.CommandOneofCase.RecordPermissionAnswered => new RecordPermissionAnswered(
            p.RecordPermissionAnswered.RequestId,
            Time(p.RecordPermissionAnswered.At, "RecordPermissionAnswered.at")),
        P.SessionCommand.CommandOneofCase.RecordQuestion => new RecordQuestion(
            p.RecordQuestion.Text,
            Time(p.RecordQuestion.At, "RecordQuestion.at")),
        P.SessionCommand.CommandOneofCase.RecordApiRetry => new RecordApiRetry(
            p.RecordApiRetry.Attempt,
            p.RecordApiRetry.Message,
            Time(p.RecordApiRetry.At, "RecordApiRetry.at")),
        // None, or a case a newer node added (protobuf keeps it as an unknown field).
        _ => throw new System.Runtime.Serialization.SerializationException(
            $"{field}: no command this version knows (case {p.CommandCase}); was it sent by a newer version of SessionCluster?"),
    };

    private static P.Resume ToProto(Resume c)
    {
        var p = new P.Resume { At = Time(c.At), NewSessionId = c.NewSessionId };
        if (c.Prompt is not null)
        {
            p.Prompt = c.Prompt;
        }

        return p;
    }

    private static P.LaunchSession ToProto(LaunchSession c)
    {
        var spec = c.Spec;
        var launch = LaunchSpecProto.ToProto(spec);
        WriteEnv(launch.Env, spec.Env);
        // The flat fields too, for nodes of older versions during a rolling upgrade.
        var p = new P.LaunchSession
        {
            At = Time(c.At),
            Id = c.Id,
            Name = c.Name,
            Agent = spec.Agent,
            Prompt = spec.Prompt,
            Workdir = spec.Workdir,
            MultiTurn = spec.MultiTurn,
            MaxAutoResponds = spec.MaxAutoResponds,
            ResumedFrom = launch.ResumedFrom?.Clone(),
            Launch = launch,
            Placement = LaunchSpecProto.ToProto(c.Placement),
        };
        if (spec.Model is not null)
        {
            p.Model = spec.Model;
        }

        WriteEnv(p.Env, spec.Env);
        return p;
    }

    private static LaunchSession FromProto(P.LaunchSession p) => new(
        p.Id,
        p.Name,
        p.Launch is { } launch
            ? LaunchSpecProto.FromProto(launch, ReadEnv(launch.Env), "LaunchSession.launch")
            : new LaunchSpec(
                p.Agent,
                p.Prompt,
                p.Workdir,
                p.HasModel ? p.Model : null,
                p.MultiTurn,
                p.MaxAutoResponds,
                ReadEnv(p.Env),
                LaunchSpecProto.BeforeModes,
                LaunchSpecProto.ResumeLinkFrom(p.ResumedFrom)),
        Time(p.At, "LaunchSession.at"),
        LaunchSpecProto.PlacementFrom(p.Placement));

    private static P.RecordTurnResult ToProto(RecordTurnResult c)
    {
        var p = new P.RecordTurnResult
        {
            At = Time(c.At),
            TotalCostUsd = Money(c.TotalCostUsd),
            Usage = Usage(c.Usage),
            IsError = c.IsError,
            NextWaitingReason = c.NextWaitingReason.ToWire(),
            PermissionDenials = c.PermissionDenials,
        };
        if (c.Question is not null)
        {
            p.Question = c.Question;
        }

        if (c.LastText is not null)
        {
            p.LastText = c.LastText;
        }

        return p;
    }

    private static P.AnswerPermission ToProto(AnswerPermission c)
    {
        var p = new P.AnswerPermission { At = Time(c.At), Allow = c.Allow, Remember = c.Remember, By = c.By };
        if (c.RequestId is not null)
        {
            p.RequestId = c.RequestId;
        }

        if (c.Message is not null)
        {
            p.Message = c.Message;
        }

        return p;
    }

    private static P.RecordAgentSessionId ToProto(RecordAgentSessionId c)
    {
        var p = new P.RecordAgentSessionId { At = Time(c.At), AgentSessionId = c.AgentSessionId };
        if (c.Model is not null)
        {
            p.Model = c.Model;
        }

        return p;
    }

    private static RecordTurnResult FromProto(P.RecordTurnResult p) => new(
        Money(p.TotalCostUsd, "RecordTurnResult.total_cost_usd"),
        Usage(p.Usage, "RecordTurnResult.usage"),
        p.IsError,
        WaitingReasonFrom(p.NextWaitingReason, "RecordTurnResult.next_waiting_reason"),
        Time(p.At, "RecordTurnResult.at"),
        p.HasQuestion ? p.Question : null,
        p.PermissionDenials,
        p.HasLastText ? p.LastText : null);

    private static P.Interrupt ToProto(Interrupt c)
    {
        var p = new P.Interrupt { At = Time(c.At) };
        if (c.Reason is not null)
        {
            p.Reason = c.Reason;
        }

        return p;
    }

    private static P.AgentExit ToProto(AgentExit e)
    {
        var p = new P.AgentExit { StderrTail = e.StderrTail, OutputTail = e.OutputTail };
        if (e.ExitCode is { } exitCode)
        {
            p.ExitCode = exitCode;
        }

        if (e.Signal is { } signal)
        {
            p.Signal = signal;
        }

        if (e.ObservedFailure is { } observed)
        {
            p.ObservedFailure = observed.ToWire();
        }

        if (e.ObservedFailureMessage is not null)
        {
            p.ObservedFailureMessage = e.ObservedFailureMessage;
        }

        return p;
    }

    private static AgentExit FromProto(P.AgentExit p) => new(
        p.HasExitCode ? p.ExitCode : null,
        p.HasSignal ? p.Signal : null,
        p.StderrTail,
        p.OutputTail,
        p.HasObservedFailure ? ErrorKindFrom(p.ObservedFailure, "AgentExit.observed_failure") : null,
        p.HasObservedFailureMessage ? p.ObservedFailureMessage : null);

    private static P.Prune ToProto(Prune c)
    {
        var p = new P.Prune { At = Time(c.At), CheckChain = c.Chain is not null };
        p.Chain.AddRange(c.Chain ?? []);
        return p;
    }
}
