using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// The certificate remoting presents and the only one it accepts from a peer: the configured PKCS#12 file
/// the cluster's nodes share, or, when none is configured, a self-signed one generated once into
/// <c>&lt;data-dir&gt;/cluster-cert.pfx</c> (mode 0600, no password) and reused on every later start.
/// </summary>
public sealed class ClusterCertificate : IDisposable
{
    public const string GeneratedFileName = "cluster-cert.pfx";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Whoever can read the key can join the cluster and run agents as the node user.
    private const UnixFileMode ReadableByOthers = UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private ClusterCertificate(X509Certificate2 certificate, string file, bool generated)
    {
        Certificate = certificate;
        File = file;
        Generated = generated;
    }

    public X509Certificate2 Certificate { get; }

    public string File { get; }

    /// <summary>True for the node's own generated certificate, false for a configured one.</summary>
    public bool Generated { get; }

    /// <summary>The SHA-1 thumbprint remoting pins (upper-case hex, as <see cref="X509Certificate2.Thumbprint"/>).</summary>
    public string Thumbprint => Certificate.Thumbprint;

    public static string GeneratedFile(string dataDir) => Path.Combine(dataDir, GeneratedFileName);

    /// <summary>The configured certificate, else the generated one of this data dir, generated now if missing.</summary>
    public static ClusterCertificate LoadOrCreate(ClusterTlsSettings tls, string dataDir)
    {
        if (tls.CertificateFile is { } configured)
        {
            return Load(configured, tls.Password, generated: false);
        }

        var file = GeneratedFile(dataDir);
        return System.IO.File.Exists(file) ? Load(file, null, generated: true) : Create(file);
    }

    /// <summary>
    /// Fails as <see cref="LoadOrCreate"/> would on a certificate file that is there, and writes nothing. The node
    /// calls it while reading its config, so a bad certificate stops it as a config error (one line, exit 2).
    /// </summary>
    public static void Check(ClusterTlsSettings tls, string dataDir)
    {
        if (tls.CertificateFile is { } configured)
        {
            Load(configured, tls.Password, generated: false).Dispose();
        }
        else if (System.IO.File.Exists(GeneratedFile(dataDir)))
        {
            Load(GeneratedFile(dataDir), null, generated: true).Dispose();
        }
    }

    public void Dispose() => Certificate.Dispose();

    private static ClusterCertificate Load(string file, string? password, bool generated)
    {
        if (!System.IO.File.Exists(file))
        {
            throw Refused(file, "does not exist");
        }

        if (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(file) & ReadableByOthers) != 0)
        {
            var mode = Convert.ToString((int)System.IO.File.GetUnixFileMode(file), 8).PadLeft(4, '0');
            throw Refused(file, $"is readable or writable by other users (mode {mode}); chmod 600 it");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Refused(file, $"cannot be read: {OneLine(e.Message)}");
        }
        catch (CryptographicException e)
        {
            throw Refused(file, $"cannot be opened (wrong password, or not a PKCS#12 file): {OneLine(e.Message)}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw Refused(file, "holds no private key");
        }

        return new ClusterCertificate(certificate, file, generated);
    }

    private static ClusterCertificate Create(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=SessionCluster node {Environment.MachineName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Every node is a TLS server to the peers that connect to it and a TLS client to those it connects to.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        // Pinned, never chain-validated: a long life spares the node a rotation nobody asked for.
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(30));

        RemoveLeftoverPartials(file);

        // Written whole to a file created 0600 (never readable by others, even for a moment), then renamed into place.
        var partial = $"{file}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.partial";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(partial, options))
            {
                stream.Write(created.Export(X509ContentType.Pkcs12));
            }

            System.IO.File.Move(partial, file, overwrite: false);
        }
        catch (IOException) when (System.IO.File.Exists(file))
        {
            // Another process generated it first: use that one.
        }
        finally
        {
            System.IO.File.Delete(partial);
        }

        return Load(file, null, generated: true);
    }

    /// <summary>
    /// Removes what a node killed while writing the certificate left (its <c>.partial</c> file). The generated
    /// certificate lives in the data directory, which this node holds locked: no other node writes there now.
    /// </summary>
    private static void RemoveLeftoverPartials(string file)
    {
        foreach (var leftover in Directory.EnumerateFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + ".*.partial"))
        {
            System.IO.File.Delete(leftover);
        }
    }

    private static InvalidOperationException Refused(string file, string reason) =>
        new($"cluster certificate {file} {reason} (sessioncluster.cluster.tls, docs/SECURITY.md)");

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
