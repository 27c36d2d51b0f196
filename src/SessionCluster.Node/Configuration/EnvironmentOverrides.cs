using System.Text.Json;

namespace SessionCluster.Node.Configuration;

/// <summary>
/// Environment variables that override HOCON keys, layered over every config file. A fixed table rather
/// than HOCON's ${?VAR}, which Akka's HOCON parser does not honour.
/// </summary>
public static class EnvironmentOverrides
{
    /// <summary>The shared secrets key; the node removes it from its environment once read, so agents never inherit it.</summary>
    public const string SecretsKeyVariable = "SESSIONCLUSTER_SECRETS_KEY";

    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["SESSIONCLUSTER_NODE_NAME"] = "sessioncluster.node-name",
        ["SESSIONCLUSTER_API_TOKEN"] = "sessioncluster.http.api-token",
        ["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = "sessioncluster.agents.claude.executable",
        ["SESSIONCLUSTER_CODEX_EXECUTABLE"] = "sessioncluster.agents.codex.executable",
        [SecretsKeyVariable] = "sessioncluster.secrets.key",
        // Cluster TLS: the shared certificate's password stays out of config files.
        ["SESSIONCLUSTER_TLS_PASSWORD"] = "sessioncluster.cluster.tls.password",
        ["SESSIONCLUSTER_PERSISTENCE_PROVIDER"] = "sessioncluster.persistence.provider",
        // Holds the database password.
        ["SESSIONCLUSTER_POSTGRES_CONNECTION_STRING"] = "sessioncluster.persistence.postgres.connection-string",
    };

    /// <summary>A HOCON document setting each key whose variable is set and not empty.</summary>
    public static string AsHocon(Func<string, string?> environment) => string.Join('\n', Keys
        .Select(pair => (pair.Value, Value: environment(pair.Key)))
        .Where(pair => !string.IsNullOrEmpty(pair.Value))
        .Select(pair => $"{pair.Item1} = {JsonSerializer.Serialize(pair.Value)}"));
}
