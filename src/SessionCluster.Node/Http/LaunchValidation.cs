using System.Text.RegularExpressions;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>
/// What only the node can check about a launch: its agents, its files, its limits, its env policy. A resume
/// goes through the same checks with the launch it derives from the old session.
/// </summary>
public static partial class LaunchValidation
{
    public static IResult? Check(LaunchSessionRequest body, NodeSettings settings, IReadOnlyCollection<string> agents)
    {
        if (string.IsNullOrWhiteSpace(body.Agent))
        {
            return Problems.BadRequest($"agent is required; this node runs: {string.Join(", ", agents)}");
        }

        if (CheckAgent(body.Agent, agents) is { } unknownAgent)
        {
            return unknownAgent;
        }

        if (string.IsNullOrWhiteSpace(body.Prompt))
        {
            return Problems.BadRequest("prompt is required");
        }

        if (CheckText("prompt", body.Prompt, settings) is { } badPrompt)
        {
            return badPrompt;
        }

        if (string.IsNullOrWhiteSpace(body.Workdir))
        {
            return Problems.BadRequest("workdir is required (an absolute path on the node)");
        }

        return CheckWorkdir(body.Workdir, settings)
            ?? (body.MaxAutoResponds is < 0 ? Problems.BadRequest($"maxAutoResponds must be 0 or more, not {body.MaxAutoResponds}") : null)
            ?? CheckName(body.Name?.Trim())
            ?? CheckModel(body.Model)
            ?? CheckPermissionMode(body.PermissionMode)
            ?? CheckChannel(body.Channel, settings)
            ?? CheckNode(body.Node)
            ?? CheckEnv(body.Env, settings);
    }

    /// <summary>The checks of a launch, for one a resume derived from an old session.</summary>
    public static IResult? Check(LaunchSession launch, NodeSettings settings, IReadOnlyCollection<string> agents) =>
        CheckAgent(launch.Spec.Agent, agents)
        ?? CheckText("prompt", launch.Spec.Prompt, settings)
        ?? CheckWorkdir(launch.Spec.Workdir, settings)
        ?? CheckName(launch.Name)
        ?? CheckModel(launch.Spec.Model)
        ?? CheckEnv(launch.Spec.Env, settings);

    /// <summary>A permission mode named in a request: one of <see cref="Api.PermissionModes"/> (400 listing them otherwise).</summary>
    public static IResult? CheckPermissionMode(string? text) =>
        text is null || WireNames.TryParsePermissionMode(text, out _)
            ? null
            : Problems.BadRequest($"permissionMode {FieldText.Quote(text)} is not one of: {string.Join(", ", Api.PermissionModes)}");

    /// <summary>A notification channel named at launch: one the node configures (400 listing them otherwise).</summary>
    public static IResult? CheckChannel(string? channel, NodeSettings settings) =>
        channel is null || settings.Notifications.Channels.ContainsKey(channel)
            ? null
            : Problems.BadRequest(
                $"channel {FieldText.Quote(channel)} is not configured; the channels are: {string.Join(", ", settings.Notifications.Channels.Keys)}");

    /// <summary>A prompt or message: Unicode text within sessioncluster.sessions.max-prompt-bytes (413 beyond).</summary>
    public static IResult? CheckText(string field, string text, NodeSettings settings)
    {
        if (FieldText.Utf8Bytes(text) is not { } bytes)
        {
            return Problems.BadRequest($"{field} is not valid Unicode text (it holds a lone surrogate)");
        }

        return bytes > settings.MaxPromptBytes
            ? Problems.TooLarge(
                $"{field} is {bytes} bytes; the limit is {settings.MaxPromptBytes} (sessioncluster.sessions.max-prompt-bytes)")
            : null;
    }

    /// <summary>The prompt or message size check alone (kept for callers that checked the text already).</summary>
    public static IResult? TooLarge(string field, string text, NodeSettings settings) => CheckText(field, text, settings);

    private static IResult? CheckAgent(string agent, IReadOnlyCollection<string> agents) =>
        agents.Contains(agent)
            ? null
            : Problems.BadRequest($"unknown agent {FieldText.Quote(agent)}; this node runs: {string.Join(", ", agents)}");

    private static IResult? CheckWorkdir(string workdir, NodeSettings settings)
    {
        if (FieldText.Utf8Bytes(workdir) is not { } bytes || workdir.Contains('\0'))
        {
            return Problems.BadRequest("workdir is not a path (it holds a NUL character or a lone surrogate)");
        }

        if (bytes > ApiLimits.MaxWorkdirBytes)
        {
            return Problems.BadRequest($"workdir is {bytes} bytes; the limit is {ApiLimits.MaxWorkdirBytes}");
        }

        if (!Path.IsPathRooted(workdir))
        {
            return Problems.BadRequest($"workdir {FieldText.Quote(workdir, 512)} must be an absolute path");
        }

        // Whether it exists is asked of the node that will run the agent, at placement.
        return null;
    }

    /// <summary>A node pin: one line of text (an Akka address, name or id); whether it names a node is placement's question.</summary>
    private static IResult? CheckNode(string? node) =>
        node is null || (FieldText.Utf8Bytes(node) is not null && !FieldText.HasControl(node) && node.Length <= 1024)
            ? null
            : Problems.BadRequest("node must be one line of text: an Akka address, a node name or a node id");

    private static IResult? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (FieldText.Utf8Bytes(name) is null || FieldText.HasControl(name))
        {
            return Problems.BadRequest("name must be one line of Unicode text (no control characters)");
        }

        return name.Length > ApiLimits.MaxNameChars
            ? Problems.BadRequest($"name is {name.Length} characters; the limit is {ApiLimits.MaxNameChars}")
            : null;
    }

    private static IResult? CheckModel(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        if (model.Length > ApiLimits.MaxModelChars)
        {
            return Problems.BadRequest($"model is {model.Length} characters; the limit is {ApiLimits.MaxModelChars}");
        }

        // It becomes the argument after --model: a value that reads as an option could change the agent's command line.
        return FieldText.Utf8Bytes(model) is null || model.StartsWith('-') || model.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? Problems.BadRequest($"model {FieldText.Quote(model)} is not a model name (no spaces or control characters, not starting with '-')")
            : null;
    }

    private static IResult? CheckEnv(IReadOnlyDictionary<string, string>? env, NodeSettings settings)
    {
        if (env is null)
        {
            return null;
        }

        if (env.Count > ApiLimits.MaxEnvEntries)
        {
            return Problems.BadRequest($"env has {env.Count} variables; the limit is {ApiLimits.MaxEnvEntries}");
        }

        foreach (var (name, value) in env)
        {
            if (!EnvName().IsMatch(name))
            {
                return Problems.BadRequest(
                    $"env name {FieldText.Quote(name)} is not a valid variable name (letters, digits and '_', not starting " +
                    $"with a digit, at most {ApiLimits.MaxEnvNameChars} characters)");
            }

            // JSON null gets past the (non-nullable) annotation; the journal cannot store it.
            if (value is null)
            {
                return Problems.BadRequest($"env '{name}' has no value; send a string (\"\" for empty)");
            }

            if (FieldText.Utf8Bytes(value) is not { } bytes || value.Contains('\0'))
            {
                return Problems.BadRequest($"env '{name}' is not a value a variable can hold (a NUL character or a lone surrogate)");
            }

            if (bytes > ApiLimits.MaxEnvValueBytes)
            {
                return Problems.BadRequest($"env '{name}' is {bytes} bytes; the limit is {ApiLimits.MaxEnvValueBytes}");
            }

            if (settings.EnvPolicy.Refusal(name) is { } refusal)
            {
                return Problems.BadRequest(refusal);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,255}\z")]
    private static partial Regex EnvName();
}
