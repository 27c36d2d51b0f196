using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Actor;
using Akka.Discovery;
using Akka.Event;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// Akka.Discovery over the Kubernetes API for cluster bootstrap: lists the pods that match the label selector in the
/// namespace (GET /api/v1/namespaces/{ns}/pods), and returns, for each running pod not being deleted, its IP and the
/// container port named as the lookup's port name. The same answer as Akka.Discovery.KubernetesApi's, which cannot be
/// used here: version 1.5.73 was built against KubernetesClient 17, only 19 and 21 can be restored, and their V1PodList
/// constructor differs, so its lookup fails with MissingMethodException. This one needs no Kubernetes client library.
/// </summary>
/// <remarks>
/// The API server is https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (as Kubernetes sets them in every pod),
/// trusted through the service account's CA file, called with the service account token read again on every lookup
/// (projected tokens rotate). Settings: akka.discovery.sessioncluster-kubernetes (see KubernetesDiscovery).
/// </remarks>
public sealed class KubernetesPodDiscovery : ServiceDiscovery
{
    public const string ConfigPath = "akka.discovery.sessioncluster-kubernetes";

    private readonly ILoggingAdapter log;
    private readonly HttpClient http;
    private readonly string labelSelector;
    private readonly string podNamespace;
    private readonly string tokenFile;
    private readonly string? apiBase;

    public KubernetesPodDiscovery(ExtendedActorSystem system)
    {
        log = Logging.GetLogger(system, this);
        var config = system.Settings.Config.GetConfig(ConfigPath);
        labelSelector = config.GetString("pod-label-selector");
        podNamespace = config.GetString("namespace");
        tokenFile = config.GetString("api-token-file");
        var caFile = config.GetString("api-ca-file");
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        apiBase = string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port)
            ? null
            : $"https://{(host.Contains(':') ? $"[{host}]" : host)}:{port}";
        http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TrustedBy(caFile) },
        });
    }

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        if (apiBase is null)
        {
            throw new InvalidOperationException(
                "KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is not set: the Kubernetes API cannot be reached (is the node running in a pod?)");
        }

        var url = $"{apiBase}/api/v1/namespaces/{Uri.EscapeDataString(podNamespace)}/pods?labelSelector={Uri.EscapeDataString(labelSelector)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        using var timeout = new CancellationTokenSource(resolveTimeout);
        using var response = await http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // 403 is the usual one: the pod's service account may not list pods (k8s/rbac.yaml).
            throw new InvalidOperationException(
                $"the Kubernetes API answered {(int)response.StatusCode} to listing pods in {podNamespace} with {labelSelector}" +
                $"{((int)response.StatusCode == 403 ? " (RBAC: the service account needs list on pods)" : string.Empty)}: {body}");
        }

        var targets = Targets(body, lookup.PortName).ToList();
        if (targets.Count == 0)
        {
            log.Warning("No running pod with a port named [{0}] matches [{1}] in namespace [{2}]", lookup.PortName, labelSelector, podNamespace);
        }

        return new Resolved(lookup.ServiceName, targets);
    }

    /// <summary>The running, not deleted pods of a PodList, with an IP, at their port named <paramref name="portName"/> (any port if none is asked).</summary>
    public static IEnumerable<ResolvedTarget> Targets(string podListJson, string? portName)
    {
        using var document = JsonDocument.Parse(podListJson);
        if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var found = new List<ResolvedTarget>();
        foreach (var pod in items.EnumerateArray())
        {
            if (pod.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("deletionTimestamp", out var deleted) &&
                deleted.ValueKind != JsonValueKind.Null)
            {
                continue;
            }

            if (!pod.TryGetProperty("status", out var status) ||
                !status.TryGetProperty("phase", out var phase) || phase.GetString() != "Running" ||
                !status.TryGetProperty("podIP", out var ipElement) || ipElement.GetString() is not { Length: > 0 } ip ||
                !System.Net.IPAddress.TryParse(ip, out var address))
            {
                continue;
            }

            int? port = null;
            if (!string.IsNullOrEmpty(portName))
            {
                port = ContainerPorts(pod).Where(p => p.Name == portName).Select(p => (int?)p.Port).FirstOrDefault();
                if (port is null)
                {
                    continue;
                }
            }

            found.Add(new ResolvedTarget(ip, port, address));
        }

        foreach (var target in found)
        {
            yield return target;
        }
    }

    private static IEnumerable<(string? Name, int Port)> ContainerPorts(JsonElement pod)
    {
        if (!pod.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("containers", out var containers))
        {
            return [];
        }

        return containers.EnumerateArray()
            .Where(c => c.TryGetProperty("ports", out var ports) && ports.ValueKind == JsonValueKind.Array)
            .SelectMany(c => c.GetProperty("ports").EnumerateArray())
            .Where(p => p.TryGetProperty("containerPort", out _))
            .Select(p => (p.TryGetProperty("name", out var name) ? name.GetString() : null, p.GetProperty("containerPort").GetInt32()))
            .ToList();
    }

    /// <summary>Trusts a server whose chain ends at the CA in <paramref name="caFile"/> (and whose name matches, as always).</summary>
    private static RemoteCertificateValidationCallback TrustedBy(string caFile) => (_, certificate, _, errors) =>
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || !File.Exists(caFile))
        {
            return false;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    };
}
