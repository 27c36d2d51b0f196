using System.Text;
using SessionCluster.Contracts;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>What only the node can check about a launch: its agents, its files, its limits.</summary>
public static class LaunchValidation
{
    public static IResult? Check(LaunchSessionRequest body, NodeSettings settings, IReadOnlyCollection<string> agents)
    {
        if (string.IsNullOrWhiteSpace(body.Agent))
        {
            return Problems.BadRequest($"agent is required; this node runs: {string.Join(", ", agents)}");
        }

        if (!agents.Contains(body.Agent))
        {
            return Problems.BadRequest($"unknown agent '{body.Agent}'; this node runs: {string.Join(", ", agents)}");
        }

        if (string.IsNullOrWhiteSpace(body.Prompt))
        {
            return Problems.BadRequest("prompt is required");
        }

        if (TooLarge("prompt", body.Prompt, settings) is { } tooLarge)
        {
            return tooLarge;
        }

        if (string.IsNullOrWhiteSpace(body.Workdir))
        {
            return Problems.BadRequest("workdir is required (an absolute path on the node)");
        }

        if (!Path.IsPathRooted(body.Workdir))
        {
            return Problems.BadRequest($"workdir '{body.Workdir}' must be an absolute path");
        }

        if (!Directory.Exists(body.Workdir))
        {
            return Problems.BadRequest($"workdir '{body.Workdir}' does not exist on node {settings.NodeName}");
        }

        if (body.MaxAutoResponds is < 0)
        {
            return Problems.BadRequest($"maxAutoResponds must be 0 or more, not {body.MaxAutoResponds}");
        }

        var badName = body.Env?.Keys.FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Contains('=') || k.Contains('\0'));
        if (badName is not null)
        {
            return Problems.BadRequest($"env name '{badName}' is not a valid variable name");
        }

        // JSON null gets past the (non-nullable) annotation; the journal cannot store it.
        var nullValue = body.Env?.FirstOrDefault(pair => pair.Value is null).Key;
        return nullValue is not null ? Problems.BadRequest($"env '{nullValue}' has no value; send a string (\"\" for empty)") : null;
    }

    public static IResult? TooLarge(string field, string text, NodeSettings settings)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes > settings.MaxPromptBytes
            ? Problems.TooLarge(
                $"{field} is {bytes} bytes; the limit is {settings.MaxPromptBytes} (sessioncluster.sessions.max-prompt-bytes)")
            : null;
    }
}
