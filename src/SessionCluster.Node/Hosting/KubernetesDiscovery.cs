using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// sessioncluster.discovery = kubernetes: cluster bootstrap (started with the actor system, its seed-nodes route on the
/// management port, see <see cref="BootstrapEndpoint"/>) and <see cref="KubernetesPodDiscovery"/> (the pods matching the label selector). Only what
/// the node's settings decide is set here; any other akka.management.* key in a config file still applies.
/// </summary>
public static class KubernetesDiscovery
{
    public static AkkaConfigurationBuilder WithSessionClusterDiscovery(this AkkaConfigurationBuilder builder, NodeSettings settings)
    {
        if (settings.Discovery.Kubernetes is not { } kubernetes)
        {
            return builder;
        }

        builder
            .WithClusterBootstrap(
                options =>
                {
                    options.ContactPointDiscovery.PortName = kubernetes.ManagementPortName;
                    options.ContactPointDiscovery.RequiredContactPointsNr = kubernetes.RequiredContactPoints;
                    options.ContactPoint.FallbackPort = kubernetes.ManagementPort;
                },
                // Not through Akka.Management's HTTP server, which cannot bind here (see BootstrapEndpoint).
                autoStart: false)
            .AddStartup((system, _registry) =>
            {
                // On the pod IP (--hostname from the downward API): what the other pods probe, and what bootstrap
                // matches against the listed pods' IPs to know which of them is this node.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var endpoint = await BootstrapEndpoint.StartBootstrapAsync(system, settings.AkkaHostname, kubernetes.ManagementPort);
                        CoordinatedShutdown.Get(system).AddTask(
                            CoordinatedShutdown.PhaseServiceUnbind, "stop-bootstrap-endpoint", async () =>
                            {
                                await endpoint.StopAsync();
                                return Done.Instance;
                            });
                    }
                    catch (Exception e)
                    {
                        system.Log.Error(e, "Cluster bootstrap could not start on {0}:{1}; stopping the node", settings.AkkaHostname, kubernetes.ManagementPort);
                        await system.Terminate();
                    }
                });
            });

        // Our pod lister, not Akka.Discovery.KubernetesApi's (see KubernetesPodDiscovery); bootstrap uses akka.discovery.method.
        static string Quoted(string value) => System.Text.Json.JsonSerializer.Serialize(value);
        return builder.AddHocon(
            $$"""
            akka.discovery.method = sessioncluster-kubernetes
            {{KubernetesPodDiscovery.ConfigPath}} {
              class = {{Quoted(typeof(KubernetesPodDiscovery).AssemblyQualifiedName!)}}
              pod-label-selector = {{Quoted(kubernetes.PodLabelSelector)}}
              namespace = {{Quoted(kubernetes.Namespace)}}
              api-token-file = {{Quoted(kubernetes.ApiTokenFile)}}
              api-ca-file = {{Quoted(kubernetes.ApiCaFile)}}
            }
            """,
            HoconAddMode.Prepend);
    }
}
