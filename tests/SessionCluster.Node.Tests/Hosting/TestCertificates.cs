using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>PKCS#12 files made for a test, as an operator would make the certificate a cluster shares.</summary>
internal static class TestCertificates
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a new self-signed certificate with its key to <paramref name="file"/> (mode 0600) and returns its thumbprint.</summary>
    public static string WritePfx(string file, string? password, string subject = "CN=test cluster")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        File.WriteAllBytes(file, certificate.Export(X509ContentType.Pkcs12, password));
        File.SetUnixFileMode(file, OwnerReadWrite);
        return certificate.Thumbprint;
    }

    /// <summary>A PKCS#12 file holding only a certificate, without its private key.</summary>
    public static void WritePfxWithoutKey(string file)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var withKey = new CertificateRequest("CN=no key", key, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddYears(1));
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        File.WriteAllBytes(file, publicOnly.Export(X509ContentType.Pkcs12));
        File.SetUnixFileMode(file, OwnerReadWrite);
    }

    /// <summary>The certificate and key of a PKCS#12 file as one PEM file, for <c>openssl s_client -cert -key</c>.</summary>
    public static void WritePem(string pfx, string? password, string pem)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, password, X509KeyStorageFlags.Exportable);
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        File.SetUnixFileMode(pem, OwnerReadWrite);
    }
}
