using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

public sealed class TokenSourceTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sessionctl-token-").FullName;

    [Fact]
    public void The_token_flag_beats_the_environment_and_the_token_file()
    {
        var dataDir = DataDirWithToken("from-file");

        var endpoint = Resolve(tokenFlag: "from-flag", env: Env(token: "from-env", dataDir: dataDir));

        Assert.Equal("from-flag", endpoint.Token);
        Assert.Equal("--token", endpoint.TokenOrigin);
    }

    [Fact]
    public void The_environment_beats_the_token_file()
    {
        var dataDir = DataDirWithToken("from-file");

        var endpoint = Resolve(env: Env(token: "from-env", dataDir: dataDir));

        Assert.Equal("from-env", endpoint.Token);
        Assert.Equal("SESSIONCLUSTER_TOKEN", endpoint.TokenOrigin);
    }

    [Fact]
    public void Without_flag_or_variable_the_token_file_of_SESSIONCLUSTER_DATA_DIR_is_read_and_trimmed()
    {
        var dataDir = DataDirWithToken("  from-file\n");

        var endpoint = Resolve(env: Env(dataDir: dataDir));

        Assert.Equal("from-file", endpoint.Token);
        Assert.Equal($"token file {Path.Combine(dataDir, "api-token")}", endpoint.TokenOrigin);
    }

    [Fact]
    public void The_data_dir_flag_beats_SESSIONCLUSTER_DATA_DIR_and_is_relative_to_the_current_directory()
    {
        var flagged = DataDirWithToken("flagged", "node-b");
        var fromEnvironment = DataDirWithToken("env", "node-a");

        var endpoint = TokenSource.Resolve(null, null, "node-b", Env(dataDir: fromEnvironment), root);

        Assert.Equal("flagged", endpoint.Token);
        Assert.Equal($"token file {Path.Combine(flagged, "api-token")}", endpoint.TokenOrigin);
    }

    [Fact]
    public void A_data_dir_flag_without_a_token_file_is_a_usage_error()
    {
        var failure = Assert.Throws<CliFailure>(() => TokenSource.Resolve(null, null, root, Env(), root));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Equal($"no token file at {Path.Combine(root, "api-token")} (is --data-dir the node's data dir?)", failure.Message);
    }

    [Fact]
    public void Without_any_token_requests_go_out_without_one_and_say_where_they_looked()
    {
        var endpoint = Resolve(env: Env(dataDir: root));

        Assert.Null(endpoint.Token);
        Assert.Contains(Path.Combine(root, "api-token"), endpoint.TokenOrigin);
    }

    [Fact]
    public void The_url_flag_beats_SESSIONCLUSTER_URL_which_beats_the_default()
    {
        Assert.Equal(new Uri("http://flag:1/"), TokenSource.ResolveUrl("http://flag:1", Env(url: "http://env:2")));
        Assert.Equal(new Uri("http://env:2/"), TokenSource.ResolveUrl(null, Env(url: "http://env:2")));
        Assert.Equal(new Uri(Api.DefaultUrl), TokenSource.ResolveUrl(null, Env()));
    }

    [Fact]
    public void The_default_data_dir_is_local_application_data_sessioncluster()
    {
        var expected = Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "sessioncluster");

        Assert.Equal(expected, NodeDataDir.Default());
        Assert.True(Path.IsPathRooted(NodeDataDir.Default()));
        Assert.Equal(NodeDataDir.Default(), NodeDataDir.Resolve(_ => null));
    }

    [Fact]
    public async Task The_resolved_token_is_sent_as_a_bearer_token()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => Results.Json(Array.Empty<SessionDto>(), Api.Json)));
        using var cli = new TestCli(node.Url);
        File.WriteAllText(Path.Combine(cli.DataDir, "api-token"), "secret-from-file\n");

        Assert.Equal(0, (await cli.RunAsync("list")).ExitCode);
        Assert.Equal(0, (await cli.With("SESSIONCLUSTER_TOKEN", "secret-from-env").RunAsync("list")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("list", "--token", "secret-from-flag")).ExitCode);

        Assert.Equal(
            ["Bearer secret-from-file", "Bearer secret-from-env", "Bearer secret-from-flag"],
            node.Requests.Select(r => r.Authorization));
    }

    [Theory]
    [InlineData("http://node-b.example:5480")]
    [InlineData("https://10.1.2.3")]
    [InlineData("http://[2001:db8::1]:5480")]
    public void The_token_file_is_not_sent_to_another_host(string url)
    {
        var dataDir = DataDirWithToken("local-secret");

        var failure = Assert.Throws<CliFailure>(() => TokenSource.Resolve(url, null, null, Env(dataDir: dataDir), root));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains($"not sending the local token file {Path.Combine(dataDir, "api-token")} to {new Uri(url).Host}", failure.Message);
        Assert.Contains("--token or SESSIONCLUSTER_TOKEN", failure.Message);
        Assert.DoesNotContain("local-secret", failure.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5480")]
    [InlineData("http://localhost:5480")]
    [InlineData("http://[::1]:5480")]
    public void The_token_file_is_sent_to_this_machine(string url)
    {
        var endpoint = TokenSource.Resolve(url, null, null, Env(dataDir: DataDirWithToken("local-secret")), root);

        Assert.Equal("local-secret", endpoint.Token);
    }

    [Fact]
    public void An_explicit_token_goes_to_another_host()
    {
        var dataDir = DataDirWithToken("local-secret");
        const string url = "http://node-b.example:5480";

        Assert.Equal("flag-token", TokenSource.Resolve(url, "flag-token", null, Env(dataDir: dataDir), root).Token);
        Assert.Equal("env-token", TokenSource.Resolve(url, null, null, Env(token: "env-token", dataDir: dataDir), root).Token);
        Assert.Equal("env-token", TokenSource.Resolve(null, null, null, Env(token: "env-token", dataDir: dataDir, url: url), root).Token);
    }

    [Fact]
    public async Task A_remote_url_with_only_a_token_file_fails_before_any_request()
    {
        using var cli = new TestCli("http://node-b.invalid:5480");
        File.WriteAllText(Path.Combine(cli.DataDir, "api-token"), "local-secret\n");

        var run = await cli.RunAsync("list");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("sessionctl: not sending the local token file", Assert.Single(run.ErrorLines));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private NodeEndpoint Resolve(string? tokenFlag = null, Func<string, string?>? env = null) =>
        TokenSource.Resolve(null, tokenFlag, null, env ?? Env(dataDir: root), root);

    private string DataDirWithToken(string token, string name = "node")
    {
        var dataDir = Path.Combine(root, name);
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(Path.Combine(dataDir, "api-token"), token);
        return dataDir;
    }

    private static Func<string, string?> Env(string? token = null, string? dataDir = null, string? url = null) =>
        name => name switch
        {
            "SESSIONCLUSTER_TOKEN" => token,
            "SESSIONCLUSTER_DATA_DIR" => dataDir,
            "SESSIONCLUSTER_URL" => url,
            _ => null,
        };
}
