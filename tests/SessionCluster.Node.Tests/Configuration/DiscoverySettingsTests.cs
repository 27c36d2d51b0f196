using Akka.Configuration;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary>
/// sessioncluster.discovery read from the shipped hocon/discovery.hocon (and sqlite.hocon for its refusal), with a
/// test's HOCON and environment over it: defaults, overrides, and a clear message for every bad value.
/// </summary>
public sealed class DiscoverySettingsTests : IDisposable
{
    private static readonly string[] Seeds = ["akka.ssl.tcp://sessioncluster@10.0.0.5:4053"];

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static DiscoverySettings Parse(
        string hocon,
        IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? seeds = null,
        PersistenceProvider provider = PersistenceProvider.Postgres)
    {
        var hoconDir = Path.Combine(AppContext.BaseDirectory, "hocon");
        var text = File.ReadAllText(Path.Combine(hoconDir, "sqlite.hocon")) + "\n" +
                   File.ReadAllText(Path.Combine(hoconDir, "discovery.hocon")) + "\n" + hocon;
        var s = ConfigurationFactory.ParseString(text).GetConfig("sessioncluster");
        return DiscoverySettings.Parse(
            s, name => environment is not null && environment.TryGetValue(name, out var value) ? value : null, seeds ?? [], provider);
    }

    private static string Refused(string hocon, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Throws<FormatException>(() => Parse(hocon, environment)).Message;

    [Fact]
    public void None_is_the_default_and_allows_seed_nodes_and_sqlite()
    {
        var settings = Parse("", seeds: Seeds, provider: PersistenceProvider.Sqlite);
        Assert.Equal(DiscoveryMethod.None, settings.Method);
        Assert.False(settings.IsKubernetes);
        Assert.Null(settings.Kubernetes);
    }

    [Fact]
    public void Kubernetes_from_hocon_takes_the_shipped_defaults()
    {
        var settings = Parse("""sessioncluster.discovery { method = kubernetes, kubernetes.namespace = sessions }""");

        Assert.True(settings.IsKubernetes);
        Assert.Equal(
            new KubernetesBootstrapSettings(
                "app=sessioncluster", "sessions", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", 8558, "management", 2),
            settings.Kubernetes);
    }

    [Fact]
    public void Every_hocon_key_is_read()
    {
        var settings = Parse("""
            sessioncluster.discovery {
              method = kubernetes
              kubernetes {
                pod-label-selector = "app=sc,tier=nodes"
                namespace = prod
                api-token-file = /tmp/token
                api-ca-file = /tmp/ca.crt
                management-port = 9558
                management-port-name = mgmt
                required-contact-points = 3
              }
            }
            """);

        Assert.Equal(new KubernetesBootstrapSettings("app=sc,tier=nodes", "prod", "/tmp/token", "/tmp/ca.crt", 9558, "mgmt", 3), settings.Kubernetes);
    }

    [Fact]
    public void The_environment_wins_over_hocon()
    {
        var settings = Parse(
            """sessioncluster.discovery { method = none, kubernetes { namespace = from-hocon, management-port = 1234 } }""",
            new Dictionary<string, string>
            {
                ["SESSIONCLUSTER_DISCOVERY_METHOD"] = "kubernetes",
                ["SESSIONCLUSTER_DISCOVERY_POD_LABEL_SELECTOR"] = "app=from-env",
                ["SESSIONCLUSTER_DISCOVERY_NAMESPACE"] = " from-env ",
                ["SESSIONCLUSTER_DISCOVERY_MANAGEMENT_PORT"] = "8600",
                ["SESSIONCLUSTER_DISCOVERY_REQUIRED_CONTACT_POINTS"] = "5",
            });

        Assert.Equal(
            new KubernetesBootstrapSettings(
                "app=from-env", "from-env", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", 8600, "management", 5),
            settings.Kubernetes);
    }

    [Fact]
    public void An_empty_environment_variable_leaves_the_hocon_value()
    {
        var settings = Parse(
            """sessioncluster.discovery { method = kubernetes, kubernetes.namespace = from-hocon }""",
            new Dictionary<string, string> { ["SESSIONCLUSTER_DISCOVERY_NAMESPACE"] = "  ", ["SESSIONCLUSTER_DISCOVERY_METHOD"] = "" });

        Assert.Equal("from-hocon", settings.Kubernetes!.Namespace);
    }

    [Fact]
    public void The_namespace_falls_back_to_the_service_account_file()
    {
        var file = temp.File("namespace", "from-file\n");
        var settings = Parse($$"""sessioncluster.discovery { method = kubernetes, kubernetes.namespace-file = "{{file}}" }""");
        Assert.Equal("from-file", settings.Kubernetes!.Namespace);
    }

    [Fact]
    public void No_namespace_and_no_namespace_file_is_refused_rather_than_listing_default()
    {
        var missing = temp.Combine("no-such-namespace");
        Assert.Equal(
            $"sessioncluster.discovery.kubernetes.namespace is empty and the namespace file \"{missing}\" " +
            "(sessioncluster.discovery.kubernetes.namespace-file) is missing or empty; set the namespace (or SESSIONCLUSTER_DISCOVERY_NAMESPACE)",
            Refused($$"""sessioncluster.discovery { method = kubernetes, kubernetes.namespace-file = "{{missing}}" }"""));

        var empty = temp.File("empty-namespace", " \n");
        Assert.Contains(
            "is missing or empty",
            Refused($$"""sessioncluster.discovery { method = kubernetes, kubernetes.namespace-file = "{{empty}}" }"""));
    }

    [Fact]
    public void An_unknown_method_is_refused_naming_both()
    {
        Assert.Equal(
            "sessioncluster.discovery.method is \"consul\"; it must be none or kubernetes",
            Refused("sessioncluster.discovery.method = consul"));
        Assert.Equal(
            "sessioncluster.discovery.method is \"Kubernetes\"; it must be none or kubernetes",
            Refused("", new Dictionary<string, string> { ["SESSIONCLUSTER_DISCOVERY_METHOD"] = "Kubernetes" }));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("85 58")]
    [InlineData("eighty")]
    public void A_bad_management_port_is_refused(string port)
    {
        Assert.Equal(
            $"sessioncluster.discovery.kubernetes.management-port is \"{port}\"; it must be a whole number from 1 to 65535",
            Refused(
                "sessioncluster.discovery { method = kubernetes, kubernetes.namespace = ns }",
                new Dictionary<string, string> { ["SESSIONCLUSTER_DISCOVERY_MANAGEMENT_PORT"] = port }));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("2.5")]
    public void A_bad_required_contact_points_is_refused(string count)
    {
        Assert.Equal(
            $"sessioncluster.discovery.kubernetes.required-contact-points is \"{count}\"; it must be a whole number from 1 to 1000",
            Refused($$"""sessioncluster.discovery { method = kubernetes, kubernetes { namespace = ns, required-contact-points = "{{count}}" } }"""));
    }

    [Theory]
    [InlineData("pod-label-selector", "sessioncluster.discovery.kubernetes.pod-label-selector is empty; set it to the nodes' pod label, e.g. app=sessioncluster")]
    [InlineData("management-port-name", "sessioncluster.discovery.kubernetes.management-port-name is empty; set it to the name of the management container port, e.g. management")]
    [InlineData("api-token-file", "sessioncluster.discovery.kubernetes.api-token-file is empty; set it to the service account token's path")]
    [InlineData("api-ca-file", "sessioncluster.discovery.kubernetes.api-ca-file is empty; set it to the Kubernetes API's CA certificate, e.g. the service account's ca.crt")]
    public void An_empty_required_key_is_refused(string key, string message)
    {
        Assert.Equal(
            message,
            Refused($$"""sessioncluster.discovery { method = kubernetes, kubernetes { namespace = ns, {{key}} = "" } }"""));
    }

    [Fact]
    public void Seed_nodes_beside_kubernetes_are_refused()
    {
        var message = Assert.Throws<FormatException>(() => Parse(
            "sessioncluster.discovery { method = kubernetes, kubernetes.namespace = ns }", seeds: Seeds)).Message;
        Assert.StartsWith(
            "sessioncluster.discovery.method is kubernetes but seed nodes are set (akka.ssl.tcp://sessioncluster@10.0.0.5:4053)", message);
    }

    [Fact]
    public void Sqlite_beside_kubernetes_is_refused_unless_its_refusal_is_off()
    {
        const string kubernetes = "sessioncluster.discovery { method = kubernetes, kubernetes.namespace = ns }";
        var message = Assert.Throws<FormatException>(() => Parse(kubernetes, provider: PersistenceProvider.Sqlite)).Message;
        Assert.Contains("its journal is SQLite, which one node alone can use", message);
        Assert.Contains("sessioncluster.persistence.provider = postgres", message);

        var allowed = Parse(kubernetes + "\nsessioncluster.persistence.sqlite.refuse-other-nodes = off", provider: PersistenceProvider.Sqlite);
        Assert.True(allowed.IsKubernetes);
    }
}

/// <summary>The node's own loading (NodeConfig.Load) reads discovery.hocon and the environment variables.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DiscoveryConfigLoadTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void A_node_loads_kubernetes_discovery_from_its_environment()
    {
        foreach (var name in DiscoverySettings.EnvironmentKeys.Keys)
        {
            environment.Set(name, null);
        }

        Assert.False(NodeConfig.Load(new NodeCommandLine(temp.Path, [], null, null)).Discovery.IsKubernetes);

        environment.Set("SESSIONCLUSTER_PERSISTENCE_PROVIDER", "postgres");
        environment.Set("SESSIONCLUSTER_POSTGRES_CONNECTION_STRING", "Host=db;Database=sc;Username=sc;Password=pw");
        environment.Set("SESSIONCLUSTER_DISCOVERY_METHOD", "kubernetes");
        environment.Set("SESSIONCLUSTER_DISCOVERY_NAMESPACE", "sessioncluster");
        environment.Set("SESSIONCLUSTER_DISCOVERY_REQUIRED_CONTACT_POINTS", "3");

        var settings = NodeConfig.Load(new NodeCommandLine(temp.Path, [], null, null) { Hostname = "10.1.2.3" });

        Assert.Equal(
            new KubernetesBootstrapSettings(
                "app=sessioncluster", "sessioncluster", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", 8558, "management", 3),
            settings.Discovery.Kubernetes);
    }

    [Fact]
    public void A_bad_value_stops_the_load_with_its_message()
    {
        foreach (var name in DiscoverySettings.EnvironmentKeys.Keys)
        {
            environment.Set(name, null);
        }

        environment.Set("SESSIONCLUSTER_DISCOVERY_METHOD", "dns");
        Assert.Equal(
            "sessioncluster.discovery.method is \"dns\"; it must be none or kubernetes",
            Assert.Throws<FormatException>(() => NodeConfig.Load(new NodeCommandLine(temp.Path, [], null, null))).Message);
    }
}
