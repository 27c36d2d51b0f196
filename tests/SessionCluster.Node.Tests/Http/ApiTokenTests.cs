using SessionCluster.Contracts;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class ApiTokenTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_generated_token_is_64_lower_hex_chars_in_a_0600_file()
    {
        var token = ApiToken.LoadOrCreate(null, temp.Path);

        var file = NodeDataDir.TokenFile(temp.Path);
        Assert.Equal(Path.Combine(temp.Path, "api-token"), file);
        var text = File.ReadAllText(file);
        Assert.Matches("^[0-9a-f]{64}$", text);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        Assert.True(token.Matches(text));
    }

    [Fact]
    public void A_generated_token_is_redacted_like_a_configured_one()
    {
        var generated = ApiToken.LoadOrCreate(null, temp.Path);
        var text = File.ReadAllText(NodeDataDir.TokenFile(temp.Path));
        var configured = ApiToken.LoadOrCreate("configured-token-value", temp.Combine("other"));

        Assert.Equal($"stderr: token *** rejected", generated.AddTo(Domain.SecretRedactor.None).Redact($"stderr: token {text} rejected"));
        Assert.Equal("x *** y", configured.AddTo(Domain.SecretRedactor.None).Redact("x configured-token-value y"));
    }

    [Fact]
    public void The_data_dir_is_created_when_missing()
    {
        var dataDir = temp.Combine("not", "yet", "there");

        var token = ApiToken.LoadOrCreate(null, dataDir);

        var text = File.ReadAllText(NodeDataDir.TokenFile(dataDir));
        Assert.True(token.Matches(text));
    }

    [Fact]
    public void A_second_load_returns_the_same_token_and_leaves_the_file_alone()
    {
        ApiToken.LoadOrCreate(null, temp.Path);
        var file = NodeDataDir.TokenFile(temp.Path);
        var first = File.ReadAllText(file);
        var written = File.GetLastWriteTimeUtc(file);

        var again = ApiToken.LoadOrCreate(null, temp.Path);

        Assert.True(again.Matches(first));
        Assert.Equal(first, File.ReadAllText(file));
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public void Two_data_dirs_get_different_tokens()
    {
        ApiToken.LoadOrCreate(null, temp.Combine("a"));
        ApiToken.LoadOrCreate(null, temp.Combine("b"));

        Assert.NotEqual(File.ReadAllText(temp.Combine("a", "api-token")), File.ReadAllText(temp.Combine("b", "api-token")));
    }

    [Fact]
    public void A_token_file_written_by_hand_is_read_without_surrounding_whitespace()
    {
        File.WriteAllText(NodeDataDir.TokenFile(temp.Path), "  hand-written-token\n");

        var token = ApiToken.LoadOrCreate(null, temp.Path);

        Assert.True(token.Matches("hand-written-token"));
        Assert.False(token.Matches("  hand-written-token\n"));
    }

    [Fact]
    public void An_empty_token_file_is_replaced_by_a_new_0600_token()
    {
        var file = NodeDataDir.TokenFile(temp.Path);
        File.WriteAllText(file, " \n");
        File.SetUnixFileMode(file, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var token = ApiToken.LoadOrCreate(null, temp.Path);

        var text = File.ReadAllText(file);
        Assert.Matches("^[0-9a-f]{64}$", text);
        Assert.True(token.Matches(text));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void A_configured_token_wins_and_writes_no_file()
    {
        var dataDir = temp.Combine("data");

        var token = ApiToken.LoadOrCreate("configured-token", dataDir);

        Assert.True(token.Matches("configured-token"));
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public void A_configured_token_wins_over_an_existing_file()
    {
        File.WriteAllText(NodeDataDir.TokenFile(temp.Path), "file-token");

        var token = ApiToken.LoadOrCreate("configured-token", temp.Path);

        Assert.True(token.Matches("configured-token"));
        Assert.False(token.Matches("file-token"));
        Assert.Equal("file-token", File.ReadAllText(NodeDataDir.TokenFile(temp.Path)));
    }

    [Theory]
    [InlineData("s3cret-token", true)]
    [InlineData("s3cret-toke", false)]
    [InlineData("s3cret-token-", false)]
    [InlineData("S3CRET-TOKEN", false)]
    [InlineData(" s3cret-token", false)]
    [InlineData("wrong", false)]
    [InlineData("", false)]
    public void Matches_only_the_exact_token(string presented, bool matches)
    {
        Assert.Equal(matches, ApiToken.LoadOrCreate("s3cret-token", temp.Path).Matches(presented));
    }

    [Fact]
    public void Matches_is_exact_for_a_generated_token()
    {
        var token = ApiToken.LoadOrCreate(null, temp.Path);
        var text = File.ReadAllText(NodeDataDir.TokenFile(temp.Path));

        Assert.True(token.Matches(text));
        Assert.False(token.Matches(text[..^1]));
        Assert.False(token.Matches(text[..32]));
        Assert.False(token.Matches(text + "0"));
        Assert.False(token.Matches(text.ToUpperInvariant()));
        Assert.False(token.Matches(string.Empty));
    }
}
