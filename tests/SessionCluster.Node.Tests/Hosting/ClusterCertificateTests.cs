using System.Security.Cryptography.X509Certificates;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class ClusterCertificateTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Without_a_configured_certificate_one_is_generated_into_a_0600_file_in_the_data_dir()
    {
        var dataDir = temp.Combine("data");

        using var certificate = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, dataDir);

        var file = Path.Combine(dataDir, "cluster-cert.pfx");
        Assert.Equal(file, certificate.File);
        Assert.True(certificate.Generated);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        Assert.True(certificate.Certificate.HasPrivateKey);
        Assert.NotNull(certificate.Certificate.GetECDsaPrivateKey());
        Assert.True(certificate.Certificate.NotAfter > DateTime.UtcNow.AddYears(10), $"valid only until {certificate.Certificate.NotAfter:u}");
        // Each node is a TLS server and a TLS client: the certificate serves both.
        var usages = certificate.Certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal([file], Directory.GetFiles(dataDir));
    }

    [Fact]
    public void What_a_node_killed_while_writing_the_certificate_left_is_removed_when_it_is_generated()
    {
        var dataDir = Directory.CreateDirectory(temp.Combine("crashed")).FullName;
        var leftover = Path.Combine(dataDir, "cluster-cert.pfx.0a1b2c3d4e5f.partial");
        File.WriteAllBytes(leftover, [1, 2, 3]);

        using var certificate = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, dataDir);

        Assert.False(File.Exists(leftover), "the half-written certificate of a killed node stays behind");
        Assert.Equal(["cluster-cert.pfx"], Directory.EnumerateFiles(dataDir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_second_start_reuses_the_generated_certificate_and_leaves_the_file_alone()
    {
        using var first = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Path);
        var bytes = File.ReadAllBytes(first.File);
        var written = File.GetLastWriteTimeUtc(first.File);

        using var second = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Path);

        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.Generated);
        Assert.Equal(bytes, File.ReadAllBytes(second.File));
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.File));
    }

    [Fact]
    public void Two_data_dirs_generate_two_different_certificates()
    {
        using var a = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Combine("a"));
        using var b = ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Combine("b"));

        Assert.NotEqual(a.Thumbprint, b.Thumbprint);
    }

    [Theory]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_generated_key_file_that_others_can_read_or_write_is_refused(UnixFileMode extra)
    {
        ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Path).Dispose();
        var file = ClusterCertificate.GeneratedFile(temp.Path);
        File.SetUnixFileMode(file, OwnerReadWrite | extra);

        var error = Assert.Throws<InvalidOperationException>(() => ClusterCertificate.LoadOrCreate(ClusterTlsSettings.Generated, temp.Path));

        Assert.StartsWith($"cluster certificate {file} is readable or writable by other users (mode 06", error.Message);
        Assert.Contains("chmod 600", error.Message);
        Assert.Equal(error.Message, Assert.Throws<InvalidOperationException>(() => ClusterCertificate.Check(ClusterTlsSettings.Generated, temp.Path)).Message);
    }

    [Fact]
    public void A_configured_certificate_is_loaded_with_its_password_and_nothing_is_generated()
    {
        var file = temp.Combine("shared.pfx");
        var thumbprint = TestCertificates.WritePfx(file, "s3cret pass");
        var dataDir = temp.Combine("data");

        using var certificate = ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, "s3cret pass"), dataDir);

        Assert.Equal(thumbprint, certificate.Thumbprint);
        Assert.False(certificate.Generated);
        Assert.Equal(file, certificate.File);
        Assert.True(certificate.Certificate.HasPrivateKey);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public void A_wrong_password_is_a_one_line_error_naming_the_file_and_never_the_password()
    {
        var file = temp.Combine("shared.pfx");
        TestCertificates.WritePfx(file, "right-password");

        var error = Assert.Throws<InvalidOperationException>(
            () => ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, "wrong-password"), temp.Path));

        Assert.StartsWith($"cluster certificate {file} cannot be opened (wrong password, or not a PKCS#12 file): ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("wrong-password", error.Message);
        Assert.DoesNotContain("right-password", error.Message);
        Assert.Throws<InvalidOperationException>(() => ClusterCertificate.Check(new ClusterTlsSettings(file, "wrong-password"), temp.Path));
    }

    [Fact]
    public void A_missing_configured_certificate_is_refused_and_not_generated_in_its_place()
    {
        var file = temp.Combine("not-there.pfx");

        var error = Assert.Throws<InvalidOperationException>(
            () => ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, null), temp.Path));

        Assert.StartsWith($"cluster certificate {file} does not exist", error.Message);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(ClusterCertificate.GeneratedFile(temp.Path)));
    }

    [Fact]
    public void A_file_that_is_no_pkcs12_is_refused()
    {
        var file = temp.File("garbage.pfx", "not a certificate");
        File.SetUnixFileMode(file, OwnerReadWrite);

        var error = Assert.Throws<InvalidOperationException>(() => ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, null), temp.Path));

        Assert.StartsWith($"cluster certificate {file} cannot be opened", error.Message);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        var file = temp.Combine("public-only.pfx");
        TestCertificates.WritePfxWithoutKey(file);

        var error = Assert.Throws<InvalidOperationException>(() => ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, null), temp.Path));

        Assert.StartsWith($"cluster certificate {file} holds no private key", error.Message);
    }

    [Fact]
    public void A_configured_key_file_readable_by_others_is_refused()
    {
        var file = temp.Combine("shared.pfx");
        TestCertificates.WritePfx(file, "pw");
        File.SetUnixFileMode(file, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidOperationException>(() => ClusterCertificate.LoadOrCreate(new ClusterTlsSettings(file, "pw"), temp.Path));

        Assert.StartsWith($"cluster certificate {file} is readable or writable by other users (mode 0644)", error.Message);
    }

    [Fact]
    public void Check_writes_nothing_when_no_certificate_exists_yet()
    {
        var dataDir = temp.Combine("data");

        ClusterCertificate.Check(ClusterTlsSettings.Generated, dataDir);

        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public void The_settings_never_print_the_password()
    {
        var text = new ClusterTlsSettings("/etc/sessioncluster/cluster.pfx", "hunter2").ToString();

        Assert.Contains("/etc/sessioncluster/cluster.pfx", text);
        Assert.DoesNotContain("hunter2", text);
    }
}
