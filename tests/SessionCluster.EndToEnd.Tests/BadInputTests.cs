using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>Bad input gets a clear one-line message and a non-zero exit (sessionctl) or a 4xx problem (HTTP).</summary>
public sealed class BadInputTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Fact]
    public async Task An_unknown_agent_is_refused_naming_the_agents_there_are()
    {
        var result = await Ctl.RunAsync("launch", "--agent", "gpt-9", "--workdir", fixture.Workdir, "--prompt", "hi");
        AssertOneLineError(result, "unknown agent 'gpt-9'; this node runs: claude");
    }

    [Fact]
    public async Task A_missing_workdir_is_refused_naming_the_node_that_would_run_the_agent()
    {
        // Placement asks the agent host that would run the session; here the only one, named after the machine.
        var missing = Path.Combine(fixture.Temp, "no-such-dir");
        var result = await Ctl.RunAsync("launch", "--workdir", missing, "--prompt", "hi");
        AssertOneLineError(result, $"workdir '{missing}' does not exist on node {Environment.MachineName}");

        var file = Path.Combine(fixture.Temp, "a-file");
        await File.WriteAllTextAsync(file, "");
        var problem = await SendAsync(HttpMethod.Post, Api.Sessions,
            JsonSerializer.Serialize(new LaunchSessionRequest { Agent = "claude", Prompt = "hi", Workdir = file }, Api.Json), fixture.Node.Token);
        Assert.Equal((HttpStatusCode.BadRequest, $"workdir '{file}' is a file, not a directory on node {Environment.MachineName}"), problem);
    }

    [Fact]
    public async Task An_unknown_id_is_not_found()
    {
        var result = await Ctl.RunAsync("show", "does-not-exist");
        AssertOneLineError(result, "no session does-not-exist");
        var problem = await SendAsync(HttpMethod.Get, Api.Session("does-not-exist"), null, fixture.Node.Token);
        Assert.Equal(HttpStatusCode.NotFound, problem.Status);
    }

    [Fact]
    public async Task Respond_to_a_completed_session_is_a_conflict_naming_its_status()
    {
        fixture.Model.Enqueue(ModelReply.Text("All done."));
        var launched = await Ctl.SessionAsync("launch", "--single-turn", "--workdir", fixture.Workdir, "--prompt", "finish");
        await Ctl.WaitAsync(launched.Id, "completed");

        var result = await Ctl.RunAsync("respond", launched.Id, "more");

        AssertOneLineError(result, "it is completed");
        var problem = await SendAsync(HttpMethod.Post, Api.SessionVerb(launched.Id, "respond"), """{"message":"more"}""", fixture.Node.Token);
        Assert.Equal(HttpStatusCode.Conflict, problem.Status);
    }

    [Fact]
    public async Task A_prompt_of_one_mebibyte_is_refused_with_the_limit_and_the_setting()
    {
        var file = Path.Combine(fixture.Temp, "huge-prompt.txt");
        await File.WriteAllTextAsync(file, new string('x', 1024 * 1024));

        var result = await Ctl.RunAsync("launch", "--workdir", fixture.Workdir, "--prompt-file", file);

        AssertOneLineError(result, "prompt is 1048576 bytes; the limit is 262144 (sessioncluster.sessions.max-prompt-bytes)");
    }

    [Fact]
    public async Task A_denied_env_variable_passed_by_name_from_the_clis_environment_is_refused_naming_it()
    {
        // --env PATH (no '=') sends sessionctl's own PATH, which the node's deny list refuses.
        var result = await Ctl.RunAsync("launch", "--workdir", fixture.Workdir, "--env", "PATH", "--prompt", "hi");

        AssertOneLineError(result, "env 'PATH' may not be set by a session: it matches 'PATH' in sessioncluster.sessions.env.deny");
    }

    [Fact]
    public async Task Env_by_name_of_an_unset_variable_is_a_usage_error_before_any_request()
    {
        var result = await Ctl.RunAsync("launch", "--workdir", fixture.Workdir, "--env", "SESSIONCLUSTER_E2E_NEVER_SET", "--prompt", "hi");

        Assert.Equal(2, result.ExitCode);
        AssertOneLineError(result, "SESSIONCLUSTER_E2E_NEVER_SET is not set in sessionctl's environment");
    }

    [Fact]
    public async Task A_malformed_json_body_is_a_400_problem()
    {
        var problem = await SendAsync(HttpMethod.Post, Api.Sessions, """{"agent": "claude", "prompt": """, fixture.Node.Token);

        Assert.Equal(HttpStatusCode.BadRequest, problem.Status);
        Assert.StartsWith("malformed JSON body", problem.Detail);
    }

    [Fact]
    public async Task No_token_or_a_wrong_token_is_a_401_and_health_needs_none()
    {
        var none = await SendAsync(HttpMethod.Get, Api.Sessions, null, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Contains("missing bearer token", none.Detail);

        var wrong = await SendAsync(HttpMethod.Get, Api.Sessions, null, token: "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);

        var viaCli = await Ctl.RunAsync("list", "--token", "not-the-token");
        AssertOneLineError(viaCli, "wrong bearer token");

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{fixture.Node.Url}/healthz/live")).StatusCode);
    }

    [Fact]
    public void The_token_file_is_readable_by_its_owner_only()
    {
        var mode = File.GetUnixFileMode(Path.Combine(fixture.Node.DataDir, "api-token"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    private static void AssertOneLineError(SessionctlProcess.Result result, string expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        var stderr = result.Stderr.Trim();
        Assert.DoesNotContain('\n', stderr);
        Assert.StartsWith("sessionctl: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }

    private async Task<(HttpStatusCode Status, string? Detail)> SendAsync(HttpMethod method, string path, string? json, string? token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, fixture.Node.Url + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDto>(body, Api.Json)!;
        Assert.Equal((int)response.StatusCode, problem.Status);
        return (response.StatusCode, problem.Detail);
    }
}
