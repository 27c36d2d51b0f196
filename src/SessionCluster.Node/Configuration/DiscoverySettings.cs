using Akka.Configuration;

namespace SessionCluster.Node.Configuration;

/// <summary>How a node finds the others: seed nodes (none), or cluster bootstrap over the Kubernetes API.</summary>
public enum DiscoveryMethod
{
    /// <summary>Seed nodes from --seed or config; none: the node joins itself.</summary>
    None,

    /// <summary>Akka.Management cluster bootstrap with Akka.Discovery.KubernetesApi: the pods that match a label selector.</summary>
    Kubernetes,
}

/// <summary>sessioncluster.discovery.kubernetes, checked.</summary>
/// <param name="PodLabelSelector">The pods that are nodes of this cluster (e.g. app=sessioncluster).</param>
/// <param name="Namespace">The namespace the pods are listed in: configured, else the service account's namespace file.</param>
/// <param name="ApiTokenFile">The service account token the Kubernetes API is called with.</param>
/// <param name="ApiCaFile">The CA (PEM) the Kubernetes API's certificate is checked against: the service account's ca.crt.</param>
/// <param name="ManagementPort">Akka.Management's HTTP port, where bootstrap probes the other pods.</param>
/// <param name="ManagementPortName">The container port's name in the pod spec that discovery reads the management port from.</param>
/// <param name="RequiredContactPoints">How many pods must be seen before the lowest forms a new cluster (the replica count).</param>
public sealed record KubernetesBootstrapSettings(
    string PodLabelSelector,
    string Namespace,
    string ApiTokenFile,
    string ApiCaFile,
    int ManagementPort,
    string ManagementPortName,
    int RequiredContactPoints);

/// <summary>sessioncluster.discovery: the method and, for kubernetes, its settings.</summary>
public sealed record DiscoverySettings(DiscoveryMethod Method, KubernetesBootstrapSettings? Kubernetes)
{
    public static readonly DiscoverySettings None = new(DiscoveryMethod.None, null);

    /// <summary>Environment variables that win over the HOCON keys under sessioncluster.discovery.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentKeys = new Dictionary<string, string>
    {
        ["SESSIONCLUSTER_DISCOVERY_METHOD"] = "method",
        ["SESSIONCLUSTER_DISCOVERY_POD_LABEL_SELECTOR"] = "kubernetes.pod-label-selector",
        ["SESSIONCLUSTER_DISCOVERY_NAMESPACE"] = "kubernetes.namespace",
        ["SESSIONCLUSTER_DISCOVERY_MANAGEMENT_PORT"] = "kubernetes.management-port",
        ["SESSIONCLUSTER_DISCOVERY_REQUIRED_CONTACT_POINTS"] = "kubernetes.required-contact-points",
    };

    public bool IsKubernetes => Method == DiscoveryMethod.Kubernetes;

    /// <summary>
    /// Reads <paramref name="s"/> (the sessioncluster section) with <paramref name="environment"/> over it. Bootstrap
    /// decides whom to join itself, so seed nodes beside it are refused; so is SQLite, which one node alone can use,
    /// unless persistence.sqlite.refuse-other-nodes is off.
    /// </summary>
    public static DiscoverySettings Parse(
        Config s, Func<string, string?> environment, IReadOnlyList<string> seeds, PersistenceProvider provider)
    {
        string Text(string key)
        {
            var variable = EnvironmentKeys.FirstOrDefault(pair => pair.Value == key).Key;
            var fromEnvironment = variable is null ? null : environment(variable);
            return !string.IsNullOrWhiteSpace(fromEnvironment) ? fromEnvironment.Trim()
                : s.HasPath($"discovery.{key}") ? s.GetString($"discovery.{key}")?.Trim() ?? string.Empty
                : string.Empty;
        }

        int Number(string key, int min, int max)
        {
            var text = Text(key);
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                   && value >= min && value <= max
                ? value
                : throw new FormatException($"sessioncluster.discovery.{key} is \"{text}\"; it must be a whole number from {min} to {max}");
        }

        var method = Text("method");
        switch (method)
        {
            case "" or "none":
                return None;
            case "kubernetes":
                break;
            default:
                throw new FormatException($"sessioncluster.discovery.method is \"{method}\"; it must be none or kubernetes");
        }

        if (seeds.Count > 0)
        {
            throw new FormatException(
                $"sessioncluster.discovery.method is kubernetes but seed nodes are set ({string.Join(", ", seeds)}); " +
                "cluster bootstrap finds the other nodes itself: remove --seed and sessioncluster.cluster.seed-nodes");
        }

        if (provider == PersistenceProvider.Sqlite && s.GetBoolean("persistence.sqlite.refuse-other-nodes"))
        {
            throw new FormatException(
                "sessioncluster.discovery.method is kubernetes, which joins this node to the other pods, but its journal is SQLite, " +
                "which one node alone can use; set sessioncluster.persistence.provider = postgres and " +
                "sessioncluster.persistence.postgres.connection-string (env SESSIONCLUSTER_PERSISTENCE_PROVIDER, SESSIONCLUSTER_POSTGRES_CONNECTION_STRING)");
        }

        var selector = Text("kubernetes.pod-label-selector");
        if (selector.Length == 0)
        {
            throw new FormatException("sessioncluster.discovery.kubernetes.pod-label-selector is empty; set it to the nodes' pod label, e.g. app=sessioncluster");
        }

        var portName = Text("kubernetes.management-port-name");
        if (portName.Length == 0)
        {
            throw new FormatException("sessioncluster.discovery.kubernetes.management-port-name is empty; set it to the name of the management container port, e.g. management");
        }

        var tokenFile = Text("kubernetes.api-token-file");
        if (tokenFile.Length == 0)
        {
            throw new FormatException("sessioncluster.discovery.kubernetes.api-token-file is empty; set it to the service account token's path");
        }

        var caFile = Text("kubernetes.api-ca-file");
        if (caFile.Length == 0)
        {
            throw new FormatException("sessioncluster.discovery.kubernetes.api-ca-file is empty; set it to the Kubernetes API's CA certificate, e.g. the service account's ca.crt");
        }

        return new DiscoverySettings(DiscoveryMethod.Kubernetes, new KubernetesBootstrapSettings(
            selector,
            Namespace(Text("kubernetes.namespace"), Text("kubernetes.namespace-file")),
            tokenFile,
            caFile,
            Number("kubernetes.management-port", 1, 65535),
            portName,
            Number("kubernetes.required-contact-points", 1, 1000)));
    }

    /// <summary>The configured namespace, else the service account's; the plugin's own fallback ("default") would list the wrong pods silently.</summary>
    private static string Namespace(string configured, string file)
    {
        if (configured.Length > 0)
        {
            return configured;
        }

        if (file.Length > 0 && File.Exists(file))
        {
            var fromFile = File.ReadAllText(file).Trim();
            if (fromFile.Length > 0)
            {
                return fromFile;
            }
        }

        throw new FormatException(
            $"sessioncluster.discovery.kubernetes.namespace is empty and the namespace file \"{file}\" " +
            "(sessioncluster.discovery.kubernetes.namespace-file) is missing or empty; set the namespace (or SESSIONCLUSTER_DISCOVERY_NAMESPACE)");
    }
}
