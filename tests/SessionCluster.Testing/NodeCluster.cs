using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SessionCluster.Testing;

/// <summary>
/// A real cluster of real node processes on loopback (three unless told): one PostgreSQL database for all of them,
/// one cluster certificate (mutual TLS remoting) and one secrets key shared by all, fixed remoting ports so the first
/// node is every node's seed (<c>--seed</c>, <c>--hostname 127.0.0.1</c>), and agents that talk to one scripted model
/// server, as <see cref="TestNode"/> sets them up. Each node has its own data dir and API token, and its own home unless
/// told to share one.
/// </summary>
/// <remarks>The PostgreSQL server and the model server are the caller's: a test class starts each once.</remarks>
public sealed class NodeCluster : IAsyncDisposable
{
    /// <summary>The actor system name every node joins with (part of each Akka address).</summary>
    public const string SystemName = "sessioncluster";

    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private readonly TempDirectory temp;

    private NodeCluster(TempDirectory temp, string connectionString, IReadOnlyList<NodeProcess> nodes)
    {
        this.temp = temp;
        ConnectionString = connectionString;
        Nodes = nodes;
    }

    /// <summary>The nodes, the seed first; a node killed by a test stays in the list.</summary>
    public IReadOnlyList<NodeProcess> Nodes { get; }

    /// <summary>The Npgsql connection string of the cluster's database.</summary>
    public string ConnectionString { get; }

    /// <summary>From starting the processes to every node seeing all of them up and reachable.</summary>
    public TimeSpan FormedIn { get; private set; }

    /// <summary>A directory that exists for every node (all run on this machine), for a session's workdir.</summary>
    public string NewWorkdir() => temp.CreateDirectory("work-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Starts <paramref name="size"/> node processes at once on a new database of <paramref name="postgres"/> and waits
    /// (within <paramref name="deadline"/>, 90 s by default) until each is ready and sees all of them up.
    /// </summary>
    /// <param name="extraHocon">Configuration every node gets on top of the cluster's (a notification channel, say).</param>
    /// <param name="sharedHome">One HOME for all nodes, as a shared volume would be: an agent's transcript written on one
    /// node is readable on the others (what an auto-resume on a survivor needs).</param>
    public static async Task<NodeCluster> StartAsync(
        PostgresServer postgres, ScriptedModelServer model, string extraHocon = "", int size = 3, TimeSpan? deadline = null,
        bool sharedHome = false)
    {
        var temp = new TempDirectory("sessioncluster-cluster");
        var connectionString = postgres.ConnectionString(await postgres.CreateDatabaseAsync());
        var certificate = WriteCertificate(temp.Combine("cluster-cert.pfx"));
        var secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var akkaPorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToList();
        var seed = Address(akkaPorts[0]);

        var clock = Stopwatch.StartNew();
        var nodes = new List<NodeProcess>();
        var cluster = new NodeCluster(temp, connectionString, nodes);
        try
        {
            for (var i = 0; i < size; i++)
            {
                var name = $"node{i + 1}";
                temp.CreateDirectory(name);
                var environment = TestNode.Environment(model.BaseUrl, temp.CreateDirectory(sharedHome ? ["home"] : [name, "home"]));
                environment["SESSIONCLUSTER_SECRETS_KEY"] = secretsKey;
                var config = temp.Combine(name, "cluster.hocon");
                await File.WriteAllTextAsync(config, $$"""
                    sessioncluster {
                      agents {
                        interrupt-grace = 2s
                        codex.seed-home = "{{environment["CODEX_HOME"]}}"
                      }
                      persistence {
                        provider = postgres
                        postgres.connection-string = "{{connectionString}}"
                      }
                      cluster.tls.certificate = "{{certificate}}"
                    }
                    {{extraHocon}}
                    """);
                nodes.Add(await NodeProcess.StartAsync(
                    temp.CreateDirectory(name, "data"),
                    environment,
                    ["--config", config, "--hostname", "127.0.0.1", "--seed", seed],
                    akkaPorts[i],
                    waitUntilReady: false));
            }

            await Task.WhenAll(nodes.Select(n => n.WaitUntilReadyAsync()));
            await cluster.WaitUntilMembersAsync(nodes, deadline ?? ReadyDeadline - clock.Elapsed);
            cluster.FormedIn = clock.Elapsed;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Akka address of a node (as a session's <c>node</c> field and <c>GET /api/cluster</c> spell it).</summary>
    public static string AddressOf(NodeProcess node) => Address(node.AkkaPort);

    /// <summary>The node whose Akka address is <paramref name="address"/>.</summary>
    public NodeProcess NodeAt(string address) =>
        Nodes.SingleOrDefault(n => AddressOf(n) == address)
        ?? throw new InvalidOperationException($"no node of this cluster has address {address} ({string.Join(", ", Nodes.Select(AddressOf))})");

    /// <summary>The node whose stable id (its data dir's <c>node-id</c>, a session's <c>nodeId</c>) is <paramref name="nodeId"/>.</summary>
    public NodeProcess NodeWithId(string nodeId) =>
        Nodes.SingleOrDefault(n => File.ReadAllText(Path.Combine(n.DataDir, "node-id")).Trim() == nodeId)
        ?? throw new InvalidOperationException($"no node of this cluster has node id {nodeId}");

    /// <summary>Every node but <paramref name="node"/>.</summary>
    public IReadOnlyList<NodeProcess> Except(NodeProcess node) => Nodes.Where(n => n != node).ToList();

    /// <summary><c>GET /api/cluster</c> on <paramref name="node"/> with its token.</summary>
    public static async Task<JsonElement> ClusterAsync(NodeProcess node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        using var response = await http.GetAsync($"{node.Url}/api/cluster");
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/cluster on {node.Url}: HTTP {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Waits until each of <paramref name="members"/> sees exactly them as members, all up and reachable (a node
    /// killed earlier downed and removed), within <paramref name="deadline"/>.
    /// </summary>
    /// <exception cref="TimeoutException">With what each node saw last.</exception>
    public async Task WaitUntilMembersAsync(IReadOnlyCollection<NodeProcess> members, TimeSpan deadline)
    {
        var expected = members.Select(AddressOf).Order(StringComparer.Ordinal).ToList();
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, string>();
        while (true)
        {
            var agreed = true;
            foreach (var node in members)
            {
                string view;
                try
                {
                    var cluster = await ClusterAsync(node);
                    var up = cluster.GetProperty("members").EnumerateArray()
                        .Where(m => m.GetProperty("status").GetString() == "up" && m.GetProperty("reachable").GetBoolean())
                        .Select(m => m.GetProperty("address").GetString()!)
                        .Order(StringComparer.Ordinal)
                        .ToList();
                    agreed &= up.SequenceEqual(expected) && cluster.GetProperty("members").GetArrayLength() == expected.Count;
                    view = cluster.GetRawText();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    agreed = false;
                    view = e.Message;
                }

                seen[node.Url] = view;
            }

            if (agreed)
            {
                return;
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException(
                    $"the nodes did not all see {string.Join(", ", expected)} up within {deadline.TotalSeconds:0} s; they saw:\n" +
                    string.Join("\n", seen.Select(s => $"{s.Key}: {s.Value}")) + "\n" + Outputs());
            }

            await Task.Delay(100);
        }
    }

    /// <summary>What every node printed, for a failing test's message.</summary>
    public string Outputs() => string.Join("\n", Nodes.Select((n, i) => $"---- node{i + 1} ({AddressOf(n)}, {n.Url}):\n{n.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        temp.Dispose();
    }

    private static string Address(int akkaPort) => $"akka.ssl.tcp://{SystemName}@127.0.0.1:{akkaPort}";

    /// <summary>
    /// One self-signed certificate for the whole cluster (server and client use: each node is both to its peers),
    /// written 0600 as a node requires of a certificate file (docs/SECURITY.md).
    /// </summary>
    public static string WriteCertificate(string file)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=SessionCluster test cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using (var stream = new FileStream(file, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew,
                   Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            stream.Write(certificate.Export(X509ContentType.Pkcs12));
        }

        return file;
    }
}
