using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Testing;

/// <summary>
/// A stand-in for the Kubernetes API server on 127.0.0.1 over HTTPS (a test CA signs its certificate, for IP 127.0.0.1):
/// GET /api/v1/namespaces/{namespace}/pods answers a PodList of the pods given for the label selector (an empty list for
/// any other selector), 401 without the expected bearer token, 404 for any other path. Every request is recorded.
/// </summary>
/// <remarks>
/// A node calls https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (<see cref="NodeEnvironment"/>) and trusts
/// the CA file it is given (<see cref="WriteCa"/>), as a pod trusts its service account's ca.crt.
/// </remarks>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string token;
    private readonly string podNamespace;
    private readonly string labelSelector;
    private readonly IReadOnlyList<FakePod> pods;
    private readonly List<FakeApiRequest> received = [];
    private readonly Lock gate = new();

    private FakeKubernetesApi(
        WebApplication app, X509Certificate2 ca, string token, string podNamespace, string labelSelector, IReadOnlyList<FakePod> pods)
    {
        this.app = app;
        CaPem = ca.ExportCertificatePem();
        this.token = token;
        this.podNamespace = podNamespace;
        this.labelSelector = labelSelector;
        this.pods = pods;
    }

    /// <summary>The CA that signed the server's certificate, PEM.</summary>
    public string CaPem { get; }

    public int Port { get; private set; }

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<FakeApiRequest> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Starts the server: <paramref name="pods"/> are listed in <paramref name="podNamespace"/> for <paramref name="labelSelector"/>.</summary>
    public static async Task<FakeKubernetesApi> StartAsync(
        string token, string podNamespace, string labelSelector, IReadOnlyList<FakePod> pods)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=fake kubernetes ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so Kestrel gets a key it can use on every platform.
        var serverCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serverCertificate)));
        var api = new FakeKubernetesApi(builder.Build(), ca, token, podNamespace, labelSelector, pods);
        api.app.Run(api.HandleAsync);
        await api.app.StartAsync();
        var address = api.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        api.Port = new Uri(address).Port;
        return api;
    }

    /// <summary>Writes the CA that signed the server's certificate (PEM), as the service account's ca.crt.</summary>
    public string WriteCa(string file)
    {
        File.WriteAllText(file, CaPem);
        return file;
    }

    /// <summary>The variables a node in a pod reaches its API server by.</summary>
    public Dictionary<string, string> NodeEnvironment() => new()
    {
        ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
        ["KUBERNETES_SERVICE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(5));
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var selector = request.Query["labelSelector"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        lock (gate)
        {
            received.Add(new FakeApiRequest(request.Method, request.Path.Value ?? string.Empty, selector, authorization));
        }

        if (authorization != $"Bearer {token}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(Status(401, "Unauthorized", "Unauthorized"));
            return;
        }

        if (request.Method != "GET" || request.Path.Value != $"/api/v1/namespaces/{podNamespace}/pods")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(Status(404, "NotFound", $"the server could not find {request.Path}"));
            return;
        }

        var listed = selector == labelSelector ? pods : [];
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            kind = "PodList",
            apiVersion = "v1",
            metadata = new { resourceVersion = "1" },
            items = listed.Select(pod => new
            {
                metadata = new
                {
                    name = pod.Name,
                    @namespace = podNamespace,
                    labels = labelSelector.Split(',').Select(l => l.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]),
                },
                spec = new
                {
                    containers = new[]
                    {
                        new { name = "node", ports = pod.Ports.Select(p => new { name = p.Name, containerPort = p.Port, protocol = "TCP" }) },
                    },
                },
                status = new { phase = "Running", podIP = pod.Ip },
            }),
        }));
    }

    private static object Status(int code, string reason, string message) =>
        new { kind = "Status", apiVersion = "v1", status = "Failure", message, reason, code };
}

/// <summary>A pod the fake API lists: its name, IP (status.podIP) and named container ports.</summary>
public sealed record FakePod(string Name, string Ip, IReadOnlyList<(string Name, int Port)> Ports);

/// <summary>A request the fake API got: the label selector from its query, the Authorization header as sent.</summary>
public sealed record FakeApiRequest(string Method, string Path, string LabelSelector, string Authorization);
