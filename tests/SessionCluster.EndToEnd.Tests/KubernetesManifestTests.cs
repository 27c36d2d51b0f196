using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// k8s/: every object passes kubernetes-models' schema validation with unknown kinds and fields refused
/// (tests/k8s/validate-manifests.mjs, its packages installed by .ci/install-agents), the kustomization lists every
/// file, and the StatefulSet's probes and preStop hook work against a real node.
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private static readonly string K8sDir = Path.Combine(AgentBinaries.RepoRoot, "k8s");
    private static readonly string Script = Path.Combine(AgentBinaries.RepoRoot, "tests", "k8s", "validate-manifests.mjs");
    private static readonly string Modules = Path.Combine(AgentBinaries.RepoRoot, ".tools", "k8s-validator", "node_modules");

    private readonly TempDirectory temp = new("sessioncluster-k8s-manifests");

    public void Dispose() => temp.Dispose();

    private static IReadOnlyList<string> Manifests() =>
        Directory.GetFiles(K8sDir, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

    private static async Task<(int ExitCode, string Stdout, string Stderr)> ValidateAsync(bool json, params string[] files)
    {
        Assert.True(
            Directory.Exists(Path.Combine(Modules, "kubernetes-models")),
            $"kubernetes-models is not installed in {Modules}: run .ci/install-agents (or ./build.ps1 test)");
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Script);
        if (json)
        {
            info.ArgumentList.Add("--json");
        }

        info.ArgumentList.Add(Modules);
        foreach (var file in files)
        {
            info.ArgumentList.Add(file);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<IReadOnlyList<JsonElement>> ObjectsAsync()
    {
        var (exitCode, stdout, stderr) = await ValidateAsync(true, [.. Manifests()]);
        Assert.True(exitCode == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("object").Clone()).ToList();
    }

    private static JsonElement Find(IEnumerable<JsonElement> objects, string kind, string name) =>
        Assert.Single(objects, o => o.GetProperty("kind").GetString() == kind && o.GetProperty("metadata").GetProperty("name").GetString() == name);

    [Fact]
    public async Task Every_object_of_every_manifest_passes_the_schema_validation()
    {
        var (exitCode, stdout, stderr) = await ValidateAsync(false, [.. Manifests()]);
        Assert.True(exitCode == 0, $"the validator refused k8s/:\n{stderr}");
        foreach (var expected in new[]
                 {
                     "Namespace/sessioncluster", "ServiceAccount/sessioncluster", "Role/sessioncluster-pod-reader",
                     "RoleBinding/sessioncluster-pod-reader", "Service/sessioncluster", "StatefulSet/sessioncluster",
                     "Service/postgres", "StatefulSet/postgres", "Secret/sessioncluster-secrets", "ConfigMap/sessioncluster-config",
                 })
        {
            Assert.Contains($": {expected}\n", stdout);
        }
    }

    [Fact]
    public async Task The_validator_refuses_unknown_fields_wrong_types_and_unknown_kinds()
    {
        var statefulSet = File.ReadAllText(Path.Combine(K8sDir, "statefulset.yaml"));
        var copy = temp.Combine("copy.yaml");
        File.WriteAllText(copy, statefulSet);
        Assert.Equal(0, (await ValidateAsync(false, copy)).ExitCode);

        var extraField = temp.Combine("extra-field.yaml");
        File.WriteAllText(extraField, statefulSet.Replace(
            "          imagePullPolicy: IfNotPresent\n", "          imagePullPolicy: IfNotPresent\n          imagePullPolicyy: Always\n"));
        var refused = await ValidateAsync(false, extraField);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("StatefulSet/sessioncluster: unknown field(s) /spec/template/spec/containers/0/imagePullPolicyy", refused.Stderr);

        var topLevel = temp.Combine("top-level.yaml");
        File.WriteAllText(topLevel, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labelz: {}\ndata:\n  a: b\nextra: 1\n");
        refused = await ValidateAsync(false, topLevel);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("ConfigMap/c: unknown field(s) /metadata/labelz, /extra", refused.Stderr);

        var wrongType = temp.Combine("wrong-type.yaml");
        File.WriteAllText(wrongType, statefulSet.Replace("  replicas: 3\n", "  replicas: three\n"));
        refused = await ValidateAsync(false, wrongType);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("StatefulSet/sessioncluster: data/spec/replicas must be integer", refused.Stderr);

        var unknownKind = temp.Combine("unknown-kind.yaml");
        File.WriteAllText(unknownKind, "apiVersion: apps/v1\nkind: StatefulSett\nmetadata:\n  name: s\n");
        refused = await ValidateAsync(false, unknownKind);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("StatefulSett/s: unknown apiVersion/kind apps/v1/StatefulSett", refused.Stderr);
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_and_only_those()
    {
        var lines = File.ReadAllLines(Path.Combine(K8sDir, "kustomization.yaml"));
        Assert.Contains("apiVersion: kustomize.config.k8s.io/v1beta1", lines);
        Assert.Contains("kind: Kustomization", lines);
        Assert.Contains("namespace: sessioncluster", lines);
        var listed = lines.SkipWhile(l => l != "resources:").Skip(1).TakeWhile(l => l.StartsWith("  - ", StringComparison.Ordinal))
            .Select(l => l[4..].Trim()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Manifests().Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList(), listed);
    }

    [Fact]
    public async Task The_statefulset_wires_ports_secrets_config_and_certificate_consistently()
    {
        var objects = await ObjectsAsync();
        var pod = Find(objects, "StatefulSet", "sessioncluster").GetProperty("spec").GetProperty("template").GetProperty("spec");
        var container = Assert.Single(pod.GetProperty("containers").EnumerateArray());
        var ports = container.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("containerPort").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["remoting"] = 4053, ["management"] = 8558, ["http"] = 8080 }, ports);
        Assert.Equal("http", container.GetProperty("livenessProbe").GetProperty("httpGet").GetProperty("port").GetString());
        Assert.Equal("http", container.GetProperty("readinessProbe").GetProperty("httpGet").GetProperty("port").GetString());

        var headless = Find(objects, "Service", "sessioncluster").GetProperty("spec");
        Assert.Equal("None", headless.GetProperty("clusterIP").GetString());
        Assert.True(headless.GetProperty("publishNotReadyAddresses").GetBoolean());
        Assert.Equal(
            ports.Keys.Order(StringComparer.Ordinal),
            headless.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("targetPort").GetString()!).Order(StringComparer.Ordinal));

        // Every secret the pods read is in secret.yaml.
        var secretKeys = Find(objects, "Secret", "sessioncluster-secrets").GetProperty("stringData").EnumerateObject().Select(p => p.Name).ToHashSet();
        var postgresPod = Find(objects, "StatefulSet", "postgres").GetProperty("spec").GetProperty("template").GetProperty("spec");
        var referenced = new[] { pod, postgresPod }
            .SelectMany(p => p.GetProperty("containers").EnumerateArray())
            .SelectMany(c => c.GetProperty("env").EnumerateArray())
            .Where(e => e.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out _))
            .Select(e => e.GetProperty("valueFrom").GetProperty("secretKeyRef"))
            .ToList();
        Assert.NotEmpty(referenced);
        Assert.All(referenced, r => Assert.Equal("sessioncluster-secrets", r.GetProperty("name").GetString()));
        Assert.All(referenced, r => Assert.Contains(r.GetProperty("key").GetString()!, secretKeys));

        // The --config file is the ConfigMap's, and the certificate it names is in the mounted TLS Secret.
        var args = container.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        var configFile = args[args.IndexOf("--config") + 1];
        var mounts = container.GetProperty("volumeMounts").EnumerateArray().ToList();
        var configMount = Assert.Single(mounts, m => m.GetProperty("mountPath").GetString() == configFile);
        var configKey = configMount.GetProperty("subPath").GetString()!;
        var hocon = Find(objects, "ConfigMap", "sessioncluster-config").GetProperty("data").GetProperty(configKey).GetString()!;
        var tlsMount = Assert.Single(mounts, m => m.GetProperty("name").GetString() == "cluster-tls").GetProperty("mountPath").GetString()!;
        Assert.Contains($"tls.certificate = \"{tlsMount}/cluster.pfx\"", hocon);
        var volumes = pod.GetProperty("volumes").EnumerateArray().ToList();
        Assert.Equal("sessioncluster-cluster-tls", Assert.Single(volumes, v => v.GetProperty("name").GetString() == "cluster-tls")
            .GetProperty("secret").GetProperty("secretName").GetString());
        Assert.Equal("--hostname", args[args.IndexOf("$(POD_IP)") - 1]);
    }

    [Fact]
    public async Task The_probes_answer_on_a_real_node_and_the_prestop_hook_makes_it_leave_and_stop()
    {
        var objects = await ObjectsAsync();
        var container = Assert.Single(Find(objects, "StatefulSet", "sessioncluster").GetProperty("spec").GetProperty("template")
            .GetProperty("spec").GetProperty("containers").EnumerateArray());
        var live = container.GetProperty("livenessProbe").GetProperty("httpGet").GetProperty("path").GetString();
        var ready = container.GetProperty("readinessProbe").GetProperty("httpGet").GetProperty("path").GetString();
        var preStop = container.GetProperty("lifecycle").GetProperty("preStop").GetProperty("exec").GetProperty("command")
            .EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(["/bin/sh", "-c"], preStop.Take(2));
        Assert.StartsWith("sessionctl cluster leave;", preStop[2]);

        await using var node = await NodeProcess.StartAsync(
            temp.CreateDirectory("data"), new Dictionary<string, string> { ["HOME"] = temp.CreateDirectory("home") });
        using (var http = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{node.Url}{live}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{node.Url}{ready}")).StatusCode);
        }

        // The hook as the kubelet runs it, with sessionctl on PATH as the image puts it, against this node.
        var bin = temp.CreateDirectory("bin");
        var shim = Path.Combine(bin, "sessionctl");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet '{BuiltPrograms.SessionctlDll}' \"$@\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo(preStop[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in preStop.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment["SESSIONCLUSTER_URL"] = node.Url;
        info.Environment["SESSIONCLUSTER_TOKEN"] = node.Token;
        using var hook = Process.Start(info)!;
        var stdout = hook.StandardOutput.ReadToEndAsync();
        var stderr = hook.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await hook.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            hook.Kill(entireProcessTree: true);
            Assert.Fail($"the preStop hook did not return within 90 s:\n{node.Output}");
        }

        Assert.Contains("asked akka.ssl.tcp://sessioncluster@127.0.0.1:", await stdout);
        Assert.Contains("to leave the cluster", await stdout);
        _ = await stderr;
        // The hook returns once the node's API is gone: the node left and stopped on its own.
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync($"{node.Url}{live}"));
    }
}
