using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// What differs between the agents in the scenarios every agent must pass: how the model makes it run a command,
/// how it reports what a turn cost, and how it tells the model a tool use was refused.
/// </summary>
public sealed record AgentUnderTest(string Name)
{
    public static AgentUnderTest Of(string name) => name switch
    {
        "claude" or "codex" => new AgentUnderTest(name),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "the agents are claude and codex"),
    };

    /// <summary>The model's reply that runs <paramref name="command"/> in the agent's shell tool.</summary>
    public ModelReply RunCommand(string command) => Name == "claude"
        ? ModelReply.ToolUse("Bash", new { command, description = "run the scripted command" })
        : ModelReply.ToolUse("exec_command", new { cmd = command });

    /// <summary>Claude reports USD cost; Codex reports tokens only.</summary>
    public void AssertCharged(SessionDto session)
    {
        if (Name == "claude")
        {
            Assert.True(session.CostUsd > 0, "claude reports total_cost_usd with each result");
        }
        else
        {
            Assert.True(session.Usage.InputTokens > 0, "codex reports token usage with each turn");
        }
    }

    /// <summary>The variable a refused credential's suggestion names.</summary>
    public string CredentialVariable => Name == "claude" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";

    /// <summary>The launch arguments every scenario starts from.</summary>
    public string[] Launch(string workdir, string prompt, params string[] more) =>
        ["launch", "--agent", Name, "--workdir", workdir, "--prompt", prompt, .. more];

    public override string ToString() => Name;
}
