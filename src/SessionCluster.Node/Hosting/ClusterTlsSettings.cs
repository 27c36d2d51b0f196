namespace SessionCluster.Node.Hosting;

/// <summary>
/// <c>sessioncluster.cluster.tls</c>: the PKCS#12 file every node of the cluster shares and its password, or
/// no file, when the node generates a certificate of its own into its data dir.
/// </summary>
public sealed record ClusterTlsSettings(string? CertificateFile, string? Password)
{
    /// <summary>No certificate configured: the node generates one (a cluster of this node alone).</summary>
    public static readonly ClusterTlsSettings Generated = new(null, null);

    // The password never reaches a log line or an exception message through ToString.
    public override string ToString() =>
        $"{nameof(ClusterTlsSettings)} {{ CertificateFile = {CertificateFile ?? "(generated)"}, Password = {(Password is null ? "(none)" : "***")} }}";
}
