using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using Serilog;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// Akka remoting as every node runs it: mutual TLS with the cluster certificate, and a peer is accepted only
/// when it presents that same certificate (pinned by thumbprint). Untrusted mode is set in hocon/cluster.hocon.
/// </summary>
public static class ClusterRemoting
{
    public static AkkaConfigurationBuilder WithClusterRemoting(
        this AkkaConfigurationBuilder builder, string hostname, int port, ClusterCertificate certificate)
    {
        Log.ForContext(typeof(ClusterRemoting)).Information(
            "Remoting on {Hostname}:{Port} requires mutual TLS with the {Origin} cluster certificate {File}, thumbprint {Thumbprint}, valid until {NotAfter:yyyy-MM-dd}",
            hostname, port, certificate.Generated ? "generated" : "configured", certificate.File, certificate.Thumbprint, certificate.Certificate.NotAfter);

        return builder.WithRemoting(new RemoteOptions
        {
            HostName = hostname,
            Port = port,
            // Written as HOCON over every config file: no --config can turn TLS off.
            EnableSsl = true,
            Ssl = new SslOptions
            {
                X509Certificate = certificate.Certificate,
                SuppressValidation = false,
                // Both sides present the certificate: an inbound peer without it is refused too.
                RequireMutualAuthentication = true,
                // Nodes are addressed by IP or any name; the pin, not the name, identifies a peer.
                ValidateCertificateHostname = false,
                // Replaces chain validation: the certificate is usually self-signed, and only this one is trusted.
                CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
            },
        });
    }
}
