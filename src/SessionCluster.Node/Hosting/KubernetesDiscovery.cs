using Akka.Hosting;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// sessioncluster.discovery = kubernetes: Akka.Management (its HTTP endpoint on the node's hostname), cluster bootstrap
/// (started with the actor system) and Akka.Discovery.KubernetesApi (the pods matching the label selector). Only what
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
            .WithAkkaManagement(new AkkaManagementOptions
            {
                // The pod IP (--hostname from the downward API): what the other pods probe, and what bootstrap matches
                // against the listed pods' IPs to know which of them is this node.
                HostName = settings.AkkaHostname,
                Port = kubernetes.ManagementPort,
            })
            .WithClusterBootstrap(
                options =>
                {
                    options.ContactPointDiscovery.PortName = kubernetes.ManagementPortName;
                    options.ContactPointDiscovery.RequiredContactPointsNr = kubernetes.RequiredContactPoints;
                    options.ContactPoint.FallbackPort = kubernetes.ManagementPort;
                },
                autoStart: true);

        // Called by its class: its namespace also holds a KubernetesDiscovery type, which this one would clash with.
        return Akka.Discovery.KubernetesApi.AkkaHostingExtensions.WithKubernetesDiscovery(builder, new Akka.Discovery.KubernetesApi.KubernetesDiscoveryOptions
            {
                // A whole selector: the plugin's "{0}" (the service name) is not used.
                PodLabelSelector = kubernetes.PodLabelSelector,
                PodNamespace = kubernetes.Namespace,
                ApiTokenPath = kubernetes.ApiTokenFile,
            });
    }
}
