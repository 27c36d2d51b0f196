using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A real node whose "claude" is a shell script that reports one finished turn at once: these tests are about
/// the HTTP surface, not the agent. Slow bodies time out after a 2 s grace (Kestrel's least) instead of 5 s.
/// </summary>
public sealed class MalformedRequestNode : IAsyncLifetime
{
    private readonly TempDirectory temp = new("sessioncluster-malformed");

    public NodeProcess Node { get; private set; } = null!;

    public string Workdir { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Workdir = temp.CreateDirectory("work");
        var script = temp.Combine("fake-claude");
        File.WriteAllText(script, """
            #!/bin/sh
            echo '{"type":"system","subtype":"init","cwd":"/w","session_id":"fake-conversation","model":"fake-model","tools":[]}'
            echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"fake-conversation","total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1}}'
            cat > /dev/null
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = temp.Combine("test.hocon");
        File.WriteAllText(config, "sessioncluster.http.min-request-body-rate-grace = 2s\n");
        var environment = new Dictionary<string, string>
        {
            ["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = script,
            ["HOME"] = temp.CreateDirectory("home"),
        };
        Node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        temp.Dispose();
    }
}

/// <summary>
/// Hundreds of malformed requests against a real node: every one gets a 4xx (or a success), never a 5xx,
/// and no answer carries a stack trace. Then idempotent launches and resumes, retried and concurrent.
/// </summary>
public sealed class MalformedRequestTests(MalformedRequestNode fixture) : IClassFixture<MalformedRequestNode>
{
    private NodeProcess Node => fixture.Node;

    private sealed record Case(string Name, HttpMethod Method, string Path, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
    {
        public override string ToString() => $"{Name}: {Method} {Path}";
    }

    private sealed record Answer(int Status, string? ContentType, string Body, HttpResponseHeaders Headers);

    [Fact]
    public async Task Hundreds_of_malformed_requests_get_4xx_problems_and_no_stack_trace()
    {
        var cases = Cases().ToList();
        Assert.True(cases.Count >= 300, $"only {cases.Count} cases");

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var http = Client();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            Answer answer;
            try
            {
                answer = await SendAsync(http, c);
            }
            catch (Exception e)
            {
                failures.Add($"{c}: no answer ({e.GetType().Name}: {e.Message})");
                return;
            }

            if (Problem(answer) is { } problem)
            {
                failures.Add($"{c}: {problem}");
            }
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} requests were answered badly:\n{string.Join("\n", failures.Order())}\nnode:\n{Node.Output}");
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("LD_PRELOAD")]
    [InlineData("NODE_OPTIONS")]
    [InlineData("ANTHROPIC_BASE_URL")]
    [InlineData("SESSIONCLUSTER_API_TOKEN")]
    public async Task A_denied_env_variable_is_a_400_naming_it(string name)
    {
        using var http = Client();

        var answer = await SendAsync(http, PostJson(Api.Sessions, Launch(env: new Dictionary<string, string> { [name] = "x" })));

        Assert.Equal(400, answer.Status);
        Assert.Contains($"env '{name}' may not be set by a session", ReadProblem(answer).Detail);
    }

    [Fact]
    public async Task A_ten_megabyte_body_is_413()
    {
        var head = $"POST {Api.Sessions} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Node.Token}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n";

        var answer = await RawAsync(head, Encoding.UTF8.GetBytes("{\"prompt\":\"" + new string('x', 65536)), thenClose: false);

        Assert.StartsWith("HTTP/1.1 413 ", answer);
        Assert.Contains("sessioncluster.http.max-request-body-bytes", answer);
        AssertNoStackTrace(answer);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        var head = $"POST {Api.Sessions} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Node.Token}\r\n" +
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = new string('x', 1024 * 1024);
        var body = new StringBuilder("10\r\n{\"prompt\":\"xxxxx\r\n");
        for (var i = 0; i < 3; i++)
        {
            body.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        var answer = await RawAsync(head, Encoding.ASCII.GetBytes(body.ToString()), thenClose: false);

        Assert.StartsWith("HTTP/1.1 413 ", answer);
        AssertNoStackTrace(answer);
    }

    [Fact]
    public async Task A_body_the_client_cuts_off_gets_no_server_error_and_the_node_serves_on()
    {
        var head = $"POST {Api.Sessions} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Node.Token}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n";

        // Half of the body, then the client's end of the connection closes: Kestrel drops the request (there is
        // no one to answer) or answers 400; the endpoint must not turn it into a 500.
        var answer = await RawAsync(head, Encoding.ASCII.GetBytes("{\"agent\":\"claude\",\"pro"), thenClose: true);

        Assert.Matches("^(|HTTP/1.1 (400|408) [^\n]*\n(.|\n)*)$", answer);
        AssertNoStackTrace(answer);
        using var http = Client();
        Assert.Equal(200, (await SendAsync(http, new Case("list", HttpMethod.Get, Api.Sessions, null, Auth()))).Status);
        Assert.DoesNotContain("An unhandled exception has occurred", Node.Output);
    }

    [Fact]
    public async Task A_body_that_trickles_slower_than_the_minimum_rate_is_408()
    {
        var head = $"POST {Api.Sessions} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Node.Token}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n";

        // 10 bytes, then nothing: after the 2 s grace the rate is far below 240 bytes/s.
        var answer = await RawAsync(head, Encoding.ASCII.GetBytes("{\"agent\":\""), thenClose: false);

        Assert.StartsWith("HTTP/1.1 408 ", answer);
        Assert.Contains("too slowly", answer);
        AssertNoStackTrace(answer);
    }

    [Fact]
    public async Task A_retried_launch_with_its_key_answers_the_same_session_and_makes_one()
    {
        using var http = Client();
        var key = Guid.NewGuid().ToString();
        var prompt = $"idempotent launch {key}";

        var first = await SendAsync(http, PostJson(Api.Sessions, Launch(prompt), ("Idempotency-Key", key)));
        var retry = await SendAsync(http, PostJson(Api.Sessions, Launch(prompt), ("Idempotency-Key", key)));
        var other = await SendAsync(http, PostJson(Api.Sessions, Launch(prompt + " but different"), ("Idempotency-Key", key)));

        Assert.Equal(201, first.Status);
        Assert.Equal(200, retry.Status);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var id = Id(first);
        Assert.Equal(id, Id(retry));
        Assert.Equal(422, other.Status);
        Assert.Contains("prompt differs", ReadProblem(other).Detail);
        await Eventually.HoldsAsync(async () => Assert.Equal([id], await IdsInListAsync(http, s => s.Prompt == prompt)));
    }

    [Fact]
    public async Task Eight_concurrent_launches_with_one_key_make_one_session()
    {
        using var http = Client();
        var key = Guid.NewGuid().ToString();
        var prompt = $"concurrent launch {key}";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            SendAsync(http, PostJson(Api.Sessions, Launch(prompt), ("Idempotency-Key", key)))));

        Assert.All(answers, a => Assert.True(a.Status is 200 or 201, $"{a.Status}: {a.Body}"));
        Assert.Single(answers, a => a.Status == 201);
        var id = Assert.Single(answers.Select(Id).Distinct());
        await Eventually.HoldsAsync(async () => Assert.Equal([id], await IdsInListAsync(http, s => s.Prompt == prompt)));
    }

    [Fact]
    public async Task Eight_concurrent_resumes_with_one_key_make_one_new_session()
    {
        using var http = Client();
        var launched = await SendAsync(http, PostJson(Api.Sessions, Launch($"to resume {Guid.NewGuid()}")));
        Assert.Equal(201, launched.Status);
        var oldId = Id(launched);
        await Eventually.HoldsAsync(async () =>
            Assert.Equal("completed", (await GetAsync(http, oldId)).Status));
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            SendAsync(http, PostJson(Api.SessionVerb(oldId, "resume"), """{"prompt":"go on"}""", ("Idempotency-Key", key)))));

        Assert.All(answers, a => Assert.True(a.Status is 200 or 201, $"{a.Status}: {a.Body}"));
        Assert.Single(answers, a => a.Status == 201);
        var newId = Assert.Single(answers.Select(Id).Distinct());
        var old = await GetAsync(http, oldId);
        Assert.Equal([newId], old.ResumedAs);
        Assert.Equal(oldId, (await GetAsync(http, newId)).ResumedFromId);
        await Eventually.HoldsAsync(async () => Assert.Equal([newId], await IdsInListAsync(http, s => s.ResumedFromId == oldId)));

        var later = await SendAsync(http, PostJson(Api.SessionVerb(oldId, "resume"), """{"prompt":"go on"}""", ("Idempotency-Key", key)));
        Assert.Equal((200, newId), (later.Status, Id(later)));
        var differentPrompt = await SendAsync(http, PostJson(Api.SessionVerb(oldId, "resume"), """{"prompt":"other"}""", ("Idempotency-Key", key)));
        Assert.Equal(422, differentPrompt.Status);
    }

    [Fact]
    public async Task The_list_pages_with_limit_and_cursor_and_cuts_prompts_that_one_session_keeps()
    {
        using var http = Client();
        var marker = Guid.NewGuid().ToString("N");
        var longPrompt = marker + new string('p', 500);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(Id(await SendAsync(http, PostJson(Api.Sessions, Launch(longPrompt)))));
        }

        await Eventually.HoldsAsync(async () =>
            Assert.Equal(3, (await IdsInListAsync(http, s => s.Prompt.StartsWith(marker))).Count));

        var seen = new List<SessionDto>();
        var path = $"{Api.Sessions}?limit=1";
        while (path is not null)
        {
            var page = await SendAsync(http, new Case("page", HttpMethod.Get, path, null, Auth()));
            Assert.Equal(200, page.Status);
            var sessions = JsonSerializer.Deserialize<List<SessionDto>>(page.Body, Api.Json)!;
            Assert.True(sessions.Count <= 1);
            seen.AddRange(sessions);
            path = page.Headers.TryGetValues("Link", out var links) ? NextPath(links.Single()) : null;
        }

        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Select(s => s.Id), seen.Select(s => s.Id));
        var listed = seen.Where(s => s.Prompt.StartsWith(marker)).ToList();
        Assert.Equal(ids.Order(), listed.Select(s => s.Id).Order());
        Assert.All(listed, s => Assert.Equal((200, true), (s.Prompt.Length, s.PromptTruncated)));
        Assert.Equal(longPrompt, (await GetAsync(http, ids[0])).Prompt);
    }

    // ---- the table of malformed requests ----

    private IEnumerable<Case> Cases()
    {
        var workdir = JsonSerializer.Serialize(fixture.Workdir);
        string[] wrongValues =
        [
            "123", "-1", "1.5", "1e400", "true", "false", "null", "[]", "{}", "[1,2]", "{\"a\":1}", "\"\"", "\" \"",
            "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('z', 300_000) + "\"", "99999999999999999999", "\"😀\"",
        ];
        string[] fields = ["agent", "prompt", "workdir", "name", "model", "multiTurn", "maxAutoResponds", "env"];
        foreach (var field in fields)
        {
            foreach (var value in wrongValues)
            {
                var valid = new Dictionary<string, string>
                {
                    ["agent"] = "\"claude\"", ["prompt"] = "\"hi\"", ["workdir"] = workdir, ["multiTurn"] = "false",
                };
                valid[field] = value;
                yield return Post($"{field}={Short(value)}", Api.Sessions, "{" + string.Join(",", valid.Select(p => $"\"{p.Key}\":{p.Value}")) + "}");
            }
        }

        // Missing fields, unknown fields, not-objects, broken JSON.
        string[] bodies =
        [
            "", " ", "{", "}", "{}", "null", "[]", "\"launch\"", "42", "true", "{\"agent\":}", "{\"agent\":\"claude\",}",
            "{\"agent\" \"claude\"}", "{'agent':'claude'}", "{\"agent\":\"claude\"} trailing", "/* c */ {}", "{\"agent\":\"claude\"}{}",
            "{\"prompt\":\"hi\",\"workdir\":" + workdir + "}", "{\"agent\":\"claude\",\"workdir\":" + workdir + "}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\"}", "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"relative/dir\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/no/such/dir\"}",
            "{\"agent\":\"gpt-9\",\"prompt\":\"hi\",\"workdir\":" + workdir + "}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"multiTurn\":false,\"unknown\":{\"deep\":[1,2,3]}}",
            "{\"AGENT\":\"claude\",\"Prompt\":\"hi\",\"workDir\":" + workdir + ",\"multiTurn\":false}",
            new string('[', 10_000) + new string(']', 10_000), new string('{', 5_000),
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"A\":\"1\",\"A\":\"2\"},\"multiTurn\":false}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"A\":1}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"A\":null}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"\":\"x\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"A B\":\"x\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"É\":\"x\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"A\":\"x\\u0000y\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"" + new string('N', 300) + "\":\"x\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{\"BIG\":\"" + new string('v', 40_000) + "\"}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"env\":{" + string.Join(",", Enumerable.Range(0, 150).Select(i => $"\"V{i}\":\"\"")) + "}}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"name\":\"" + new string('n', 10_000) + "\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"name\":\"line\\nbreak\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"model\":\"" + new string('m', 10_000) + "\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"model\":\"--dangerously-skip-permissions\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/" + new string('w', 10_000) + "\"}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/tmp\\u0000/x\"}",
            "{\"agent\":\"claude\",\"prompt\":\"" + new string('x', 300_000) + "\",\"workdir\":" + workdir + "}",
            "{\"agent\":\"claude\",\"prompt\":\"\\ud83d\",\"workdir\":" + workdir + "}",
            "{\"agent\":\"claude\",\"prompt\":\"\\udc00\\ud800\",\"workdir\":" + workdir + "}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"maxAutoResponds\":-5}",
            "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"maxAutoResponds\":2147483648}",
            "{\"agent\":\"\\u202eedualc\",\"prompt\":\"hi\",\"workdir\":" + workdir + "}",
        ];
        foreach (var body in bodies)
        {
            yield return Post($"body {Short(body)}", Api.Sessions, body);
        }

        // Bytes that are not UTF-8, a BOM, other content types.
        yield return new Case("invalid utf-8", HttpMethod.Post, Api.Sessions, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], Auth());
        yield return new Case("utf-8 bom", HttpMethod.Post, Api.Sessions, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{}")], Auth());
        yield return new Case("utf-16 body", HttpMethod.Post, Api.Sessions, Encoding.Unicode.GetBytes("{\"agent\":\"claude\"}"), Auth());
        yield return new Case("form body", HttpMethod.Post, Api.Sessions, Encoding.ASCII.GetBytes("agent=claude&prompt=hi"),
            [.. Auth(), ("Content-Type", "application/x-www-form-urlencoded")]);

        // Ids that cannot be sessions, on every route that takes one.
        string[] ids =
        [
            "a%2Fb", "a%2fb", "%2E%2E", "%2e", ".hidden", "a.b", "a..b", "%00", "a%00b", "%ZZ", "%", "%C3%A9", "%F0%9F%98%80", "%ED%A0%80",
            "%20", "a%20b", "a;b", "a%3Bb", "%3Cscript%3E", "a%22b", "a'b", "a%5Cb", "%E2%80%AE", "-", "_", "--flag",
            new string('a', 65), new string('a', 2_000), "does-not-exist", "ABCDEF012345", "a:b", "a@b", "a+b", "a%2Bb",
        ];
        string[] verbs = ["", "/respond", "/interrupt", "/kill", "/resume"];
        foreach (var id in ids)
        {
            foreach (var verb in verbs)
            {
                yield return verb.Length == 0
                    ? new Case($"get id {Short(id)}", HttpMethod.Get, $"{Api.Sessions}/{id}", null, Auth())
                    : Post($"{verb} id {Short(id)}", $"{Api.Sessions}/{id}{verb}", verb == "/respond" ? "{\"message\":\"hi\"}" : verb == "/resume" ? "{}" : null);
            }
        }

        foreach (var path in new[] { "/api/sessions/a/b", "/api/sessions/a/b/c/respond", "/api/sessions/../sessions", "/api/sessions//", "/api/sessions/%2F", "/api//sessions", "/api/sessions/x/unknown-verb", "/api/unknown", "/api" })
        {
            yield return new Case($"path {path}", HttpMethod.Get, path, null, Auth());
            yield return Post($"post path {path}", path, "{}");
        }

        // Respond and resume bodies.
        string[] respondBodies =
        [
            "", "{}", "null", "[]", "{\"message\":1}", "{\"message\":null}", "{\"message\":\"\"}", "{\"message\":\"  \"}", "{\"message\":[\"a\"]}",
            "{\"message\":\"hi\",\"auto\":\"yes\"}", "{\"message\":\"hi\",\"auto\":1}", "{\"message\":\"hi\",\"auto\":null}",
            "{\"message\":\"\\ud800\"}", "{\"message\":\"" + new string('m', 300_000) + "\"}", "{\"message\":\"hi\"", "{\"unknown\":true}",
        ];
        foreach (var body in respondBodies)
        {
            yield return Post($"respond {Short(body)}", Api.SessionVerb("abc123def456", "respond"), body);
        }

        string[] resumeBodies =
        [
            "null", "[]", "{\"prompt\":1}", "{\"prompt\":{}}", "{\"prompt\":\"\\ud800\"}", "{\"prompt\":\"" + new string('p', 300_000) + "\"}", "{", "\"x\"",
        ];
        foreach (var body in resumeBodies)
        {
            yield return Post($"resume {Short(body)}", Api.SessionVerb("abc123def456", "resume"), body);
        }

        // Query strings of the list.
        string[] queries =
        [
            "limit=0", "limit=-1", "limit=abc", "limit=1001", "limit=1e3", "limit=1.5", "limit=99999999999999999999", "limit=", "limit=%00",
            "limit=1&limit=2", "limit=+5", "limit=%205", "limit=٣", "cursor=", "cursor=garbage", "cursor=%00", "cursor=" + new string('c', 5_000),
            "cursor=MTI6YS9i", "cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ", "cursor=a&cursor=b", "status=bogus", "status=running,nope",
            "status=running&status=nope", "status=,,,", "status=%00", "status=" + new string('s', 5_000), "agent=%00", "agent=" + new string('a', 5_000),
            "agent=a&agent=b", "unknown=1", "%ZZ=1", "status", "&&&", "limit=1000", "limit=1&status=completed&agent=claude",
        ];
        foreach (var query in queries)
        {
            yield return new Case($"list ?{Short(query)}", HttpMethod.Get, $"{Api.Sessions}?{query}", null, Auth());
        }

        // Wrong methods.
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, new HttpMethod("FOO") })
        {
            yield return new Case($"{method} sessions", method, Api.Sessions, Encoding.UTF8.GetBytes("{}"), Auth());
            yield return new Case($"{method} session", method, Api.Session("abc123def456"), null, Auth());
            yield return new Case($"{method} respond", method, Api.SessionVerb("abc123def456", "respond"), null, Auth());
        }

        yield return new Case("get respond", HttpMethod.Get, Api.SessionVerb("abc123def456", "respond"), null, Auth());
        yield return new Case("get resume", HttpMethod.Get, Api.SessionVerb("abc123def456", "resume"), null, Auth());
        yield return new Case("post one session", HttpMethod.Post, Api.Session("abc123def456"), null, Auth());
        yield return new Case("head sessions", HttpMethod.Head, Api.Sessions, null, Auth());

        // Bad idempotency keys, on launch and resume.
        string[] keys = ["", " ", new string('k', 201), new string('k', 5_000), "tab\tkey", "é-key", "nul\u0001key", "\u007f"];
        foreach (var key in keys)
        {
            yield return Post($"launch key {Short(key)}", Api.Sessions, Launch("keyed"), ("Idempotency-Key", key));
            yield return Post($"resume key {Short(key)}", Api.SessionVerb("abc123def456", "resume"), "{}", ("Idempotency-Key", key));
        }

        yield return new Case("two keys", HttpMethod.Post, Api.Sessions, Encoding.UTF8.GetBytes(Launch("keyed")),
            [.. Auth(), ("Idempotency-Key", "one"), ("Idempotency-Key", "two")]);

        // Authorization that is not a bearer token.
        foreach (var authorization in new[] { "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + new string('t', 5_000), "Bearer é", "bearer wrong" })
        {
            yield return new Case($"auth {Short(authorization)}", HttpMethod.Get, Api.Sessions, null, [("Authorization", authorization)]);
        }
    }

    /// <summary>Why an answer is wrong, or null when it is a fine answer to a bad request.</summary>
    private static string? Problem(Answer answer)
    {
        if (answer.Status >= 500)
        {
            return $"{answer.Status} {Short(answer.Body)}";
        }

        if (answer.Body.Contains("   at ", StringComparison.Ordinal) || answer.Body.Contains("Exception", StringComparison.Ordinal))
        {
            return $"a stack trace or exception in the answer: {Short(answer.Body)}";
        }

        if (answer.Status >= 400 && answer.Body.Length > 0 && answer.ContentType != "application/problem+json")
        {
            return $"{answer.Status} with a body that is not a problem ({answer.ContentType}): {Short(answer.Body)}";
        }

        return null;
    }

    private static void AssertNoStackTrace(string answer)
    {
        Assert.DoesNotContain("   at ", answer);
        Assert.DoesNotContain("Exception", answer);
    }

    private HttpClient Client() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        // Lets a test send bytes outside ASCII in a header, as a careless client would.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    })
    {
        BaseAddress = new Uri(Node.Url),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private (string, string)[] Auth() => [("Authorization", $"Bearer {Node.Token}")];

    private Case Post(string name, string path, string? json, params (string Name, string Value)[] headers) =>
        new(name, HttpMethod.Post, path, json is null ? null : Encoding.UTF8.GetBytes(json), [.. Auth(), ("Content-Type", "application/json"), .. headers]);

    private Case PostJson(string path, string json, params (string Name, string Value)[] headers) => Post("post", path, json, headers);

    private string Launch(string prompt = "hi", Dictionary<string, string>? env = null) => JsonSerializer.Serialize(
        new LaunchSessionRequest { Agent = "claude", Prompt = prompt, Workdir = fixture.Workdir, MultiTurn = false, Env = env },
        Api.Json);

    private static async Task<Answer> SendAsync(HttpClient http, Case c)
    {
        using var request = new HttpRequestMessage(c.Method, new Uri(c.Path, UriKind.Relative));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
        }

        foreach (var (name, value) in c.Headers)
        {
            if (name == "Content-Type")
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
    }

    /// <summary>Writes raw HTTP/1.1 bytes, then reads until the node closes or 30 s pass; returns what it answered.</summary>
    private async Task<string> RawAsync(string head, byte[] body, bool thenClose)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Node.HttpPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try
        {
            await stream.WriteAsync(body);
        }
        catch (IOException)
        {
            // The node may refuse the body before it has all arrived; its answer is still to be read.
        }

        if (thenClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0)
                {
                    break;
                }

                answer.Write(buffer, 0, read);
                var text = Encoding.UTF8.GetString(answer.ToArray());
                if (Complete(text))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // A reset after the answer: what came is what counts.
        }

        return Encoding.UTF8.GetString(answer.ToArray());
    }

    // Headers and as many body bytes as Content-Length says.
    private static bool Complete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = System.Text.RegularExpressions.Regex.Match(text[..end], "(?i)content-length: *(\\d+)");
        return length.Success && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length.Groups[1].Value);
    }

    private static ProblemDto ReadProblem(Answer answer)
    {
        Assert.Equal("application/problem+json", answer.ContentType);
        return JsonSerializer.Deserialize<ProblemDto>(answer.Body, Api.Json)!;
    }

    private static string Id(Answer answer) =>
        JsonDocument.Parse(answer.Body).RootElement.GetProperty("id").GetString()!;

    private async Task<SessionDto> GetAsync(HttpClient http, string id)
    {
        var answer = await SendAsync(http, new Case("get", HttpMethod.Get, Api.Session(id), null, Auth()));
        Assert.Equal(200, answer.Status);
        return JsonSerializer.Deserialize<SessionDto>(answer.Body, Api.Json)!;
    }

    private async Task<List<string>> IdsInListAsync(HttpClient http, Func<SessionDto, bool> which)
    {
        var answer = await SendAsync(http, new Case("list", HttpMethod.Get, $"{Api.Sessions}?limit=1000", null, Auth()));
        Assert.Equal(200, answer.Status);
        return JsonSerializer.Deserialize<List<SessionDto>>(answer.Body, Api.Json)!.Where(which).Select(s => s.Id).ToList();
    }

    private static string? NextPath(string link)
    {
        var match = System.Text.RegularExpressions.Regex.Match(link, "^<([^>]+)>; rel=\"next\"$");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Short(string text) => text.Length <= 40 ? text : $"{text[..40]}...({text.Length})";
}
