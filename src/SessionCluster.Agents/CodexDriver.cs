using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// Codex through <c>codex app-server</c>: one long-lived process per session speaking JSON-RPC on stdin/stdout
/// (see <see cref="CodexConversation"/>), with a CODEX_HOME of the session's own (see <see cref="CodexHome"/>).
/// </summary>
public sealed class CodexDriver(CodexDriverOptions options) : IAgentDriver
{
    /// <summary>The client name codex hears in <c>initialize</c>.</summary>
    public const string ClientName = "sessioncluster";

    public const string HomeVariable = "CODEX_HOME";

    public CodexDriver()
        : this(new CodexDriverOptions())
    {
    }

    public string Agent => "codex";

    public string? Executable => options.Executable;

    public CodexDriverOptions Options => options;

    /// <exception cref="AgentStartException">The session's CODEX_HOME cannot be made.</exception>
    public AgentProcessSpec Launch(AgentLaunchRequest request)
    {
        IReadOnlyDictionary<string, string> env = request.Launch.Env;
        if (!env.ContainsKey(HomeVariable) && options.HomesRoot is { Length: > 0 } root)
        {
            var home = CodexHome.Prepare(root, options.SeedHome, request);
            env = new Dictionary<string, string>(env) { [HomeVariable] = home };
        }

        // The rest of the start (initialized, thread/start, turn/start) follows the answers: see CodexConversation.
        return new AgentProcessSpec(
            options.Executable,
            ["app-server"],
            request.Launch.Workdir,
            env,
            [CodexConversation.InitializeLine(options.ClientVersion)],
            KeepStdinOpen: true);
    }

    public IAgentConversation Converse(AgentLaunchRequest request) => new CodexConversation(request);

    /// <summary>
    /// The thread's approval policy and sandbox for a permission mode: ask = untrusted + workspace-write,
    /// accept-edits = on-request + workspace-write, bypass = never + danger-full-access, plan = never + read-only.
    /// </summary>
    public static (string ApprovalPolicy, string Sandbox) Policy(PermissionMode mode) => mode switch
    {
        PermissionMode.Ask => ("untrusted", "workspace-write"),
        PermissionMode.AcceptEdits => ("on-request", "workspace-write"),
        PermissionMode.Bypass => ("never", "danger-full-access"),
        PermissionMode.Plan => ("never", "read-only"),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown permission mode"),
    };
}
