using System.Collections.Immutable;
using System.Runtime.Serialization;
using SessionCluster.Domain;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// <see cref="LaunchSpec"/> to and from its proto message, env aside: the journal seals it (<see cref="SessionEventSerializer"/>),
/// cross-node messages carry it in plaintext (<see cref="SessionMessageSerializer"/>), so each caller writes and reads its own.
/// </summary>
internal static class LaunchSpecProto
{
    /// <summary>
    /// What a launch written before permission modes ran with. Those sessions ran claude with its own print-mode default,
    /// which asks nobody and refuses what it would ask about; "ask" is the mode that keeps a person in charge of the same
    /// requests, so that is what an old launch (and a resume of one) gets.
    /// </summary>
    public const PermissionMode BeforeModes = PermissionMode.Ask;

    public static P.LaunchSpec ToProto(LaunchSpec spec)
    {
        var p = new P.LaunchSpec
        {
            Agent = spec.Agent,
            Prompt = spec.Prompt,
            Workdir = spec.Workdir,
            MultiTurn = spec.MultiTurn,
            MaxAutoResponds = spec.MaxAutoResponds,
            PermissionMode = spec.PermissionMode.ToWire(),
            AutoResume = spec.AutoResume,
        };
        if (spec.Model is not null)
        {
            p.Model = spec.Model;
        }

        if (spec.ResumedFrom is not null)
        {
            p.ResumedFrom = new P.ResumeLink { FromSessionId = spec.ResumedFrom.FromSessionId, AgentSessionId = spec.ResumedFrom.AgentSessionId };
        }

        if (spec.Channel is not null)
        {
            p.Channel = spec.Channel;
        }

        return p;
    }

    public static LaunchSpec FromProto(P.LaunchSpec p, ImmutableSortedDictionary<string, string> env, string field) => new(
        p.Agent,
        p.Prompt,
        p.Workdir,
        p.HasModel ? p.Model : null,
        p.MultiTurn,
        p.MaxAutoResponds,
        env,
        ModeFrom(p.PermissionMode, $"{field}.permission_mode"),
        ResumeLinkFrom(p.ResumedFrom),
        p.HasChannel ? p.Channel : null,
        p.AutoResume);

    public static ResumeLink? ResumeLinkFrom(P.ResumeLink? p) => p is null ? null : new ResumeLink(p.FromSessionId, p.AgentSessionId);

    private static PermissionMode ModeFrom(string text, string field) =>
        string.IsNullOrEmpty(text) ? BeforeModes
        : WireNames.TryParsePermissionMode(text, out var mode) ? mode
        : throw new SerializationException($"{field}: unknown permission mode '{text}'.");
}
