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
/// Hundreds of malformed requests against a real node: each gets the 4xx its row expects (a few odd but valid
/// ones a 2xx), never a 5xx, and no answer carries a stack trace. Then idempotent launches and resumes, retried and concurrent.
/// </summary>
public sealed class MalformedRequestTests(MalformedRequestNode fixture) : IClassFixture<MalformedRequestNode>
{
    private NodeProcess Node => fixture.Node;

    private sealed record Case(string Name, HttpMethod Method, string Path, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
    {
        /// <summary>The statuses this request may get; null: any that is not a 5xx.</summary>
        public int[]? Expected { get; init; }

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

            if (Problem(c, answer) is { } problem)
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
    public async Task Two_idempotency_key_headers_are_a_400()
    {
        // Raw, since HttpClient would join the two into one "one, two" header.
        var body = Launch("two keys");
        var head = $"POST {Api.Sessions} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Node.Token}\r\n" +
                   $"Idempotency-Key: one\r\nIdempotency-Key: two\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n";

        var answer = await RawAsync(head, Encoding.UTF8.GetBytes(body), thenClose: false);

        Assert.StartsWith("HTTP/1.1 400 ", answer);
        Assert.Contains("send one Idempotency-Key header, not 2", answer);
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
        string[] fields = ["agent", "prompt", "workdir", "name", "model", "multiTurn", "maxAutoResponds", "env", "permissionMode"];
        foreach (var field in fields)
        {
            foreach (var value in wrongValues)
            {
                var valid = new Dictionary<string, string>
                {
                    ["agent"] = "\"claude\"", ["prompt"] = "\"hi\"", ["workdir"] = workdir, ["multiTurn"] = "false",
                };
                valid[field] = value;
                var body = "{" + string.Join(",", valid.Select(p => $"\"{p.Key}\":{p.Value}")) + "}";
                yield return Post($"{field}={Short(value)}", Api.Sessions, body) with { Expected = [ExpectedFor(field, value)] };
            }
        }

        // Missing fields, unknown fields, not-objects, broken JSON, fields over their limits.
        string LaunchWith(string rest) => "{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":" + workdir + ",\"multiTurn\":false" + rest + "}";
        (string Body, int Status)[] bodies =
        [
            ("", 400), (" ", 400), ("{", 400), ("}", 400), ("{}", 400), ("null", 400), ("[]", 400), ("\"launch\"", 400), ("42", 400),
            ("true", 400), ("{\"agent\":}", 400), ("{\"agent\":\"claude\",}", 400), ("{\"agent\" \"claude\"}", 400),
            ("{'agent':'claude'}", 400), ("{\"agent\":\"claude\"} trailing", 400), ("/* c */ {}", 400), ("{\"agent\":\"claude\"}{}", 400),
            ("{\"prompt\":\"hi\",\"workdir\":" + workdir + "}", 400), ("{\"agent\":\"claude\",\"workdir\":" + workdir + "}", 400),
            ("{\"agent\":\"claude\",\"prompt\":\"hi\"}", 400), ("{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"relative/dir\"}", 400),
            ("{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/no/such/dir\"}", 400),
            ("{\"agent\":\"gpt-9\",\"prompt\":\"hi\",\"workdir\":" + workdir + "}", 400),
            ("{\"agent\":\"\\u202eedualc\",\"prompt\":\"hi\",\"workdir\":" + workdir + "}", 400),
            (LaunchWith(",\"unknown\":{\"deep\":[1,2,3]}"), 201),
            ("{\"AGENT\":\"claude\",\"Prompt\":\"hi\",\"workDir\":" + workdir + ",\"multiTurn\":false}", 201),
            (new string('[', 10_000) + new string(']', 10_000), 400), (new string('{', 5_000), 400),
            (LaunchWith(",\"env\":{\"A\":\"1\",\"A\":\"2\"}"), 201),
            (LaunchWith(",\"env\":{\"A\":1}"), 400), (LaunchWith(",\"env\":{\"A\":null}"), 400), (LaunchWith(",\"env\":{\"\":\"x\"}"), 400),
            (LaunchWith(",\"env\":{\"A B\":\"x\"}"), 400), (LaunchWith(",\"env\":{\"É\":\"x\"}"), 400), (LaunchWith(",\"env\":{\"A\\n\":\"x\"}"), 400),
            (LaunchWith(",\"env\":{\"A\":\"x\\u0000y\"}"), 400), (LaunchWith(",\"env\":{\"A\":\"\\ud800\"}"), 400),
            (LaunchWith(",\"env\":{\"" + new string('N', 257) + "\":\"x\"}"), 400),
            (LaunchWith(",\"env\":{\"BIG\":\"" + new string('v', 40_000) + "\"}"), 400),
            (LaunchWith(",\"env\":{" + string.Join(",", Enumerable.Range(0, 150).Select(i => $"\"V{i}\":\"\"")) + "}"), 400),
            (LaunchWith(",\"env\":{\"LD_PRELOAD\":\"/tmp/x.so\"}"), 400), (LaunchWith(",\"env\":{\"path\":\"/tmp\"}"), 400),
            (LaunchWith(",\"env\":{\"OPENAI_BASE_URL\":\"http://evil\"}"), 400), (LaunchWith(",\"env\":{\"SESSIONCLUSTER_DATA_DIR\":\"/\"}"), 400),
            (LaunchWith(",\"name\":\"" + new string('n', 10_000) + "\""), 400), (LaunchWith(",\"name\":\"line\\nbreak\""), 400),
            (LaunchWith(",\"name\":\"\\ud800\""), 400),
            (LaunchWith(",\"model\":\"" + new string('m', 10_000) + "\""), 400), (LaunchWith(",\"model\":\"--dangerously-skip-permissions\""), 400),
            (LaunchWith(",\"model\":\"opus -p\""), 400),
            ("{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/" + new string('w', 10_000) + "\"}", 400),
            ("{\"agent\":\"claude\",\"prompt\":\"hi\",\"workdir\":\"/tmp\\u0000/x\"}", 400),
            ("{\"agent\":\"claude\",\"prompt\":\"" + new string('x', 300_000) + "\",\"workdir\":" + workdir + "}", 413),
            ("{\"agent\":\"claude\",\"prompt\":\"\\ud83d\",\"workdir\":" + workdir + "}", 400),
            ("{\"agent\":\"claude\",\"prompt\":\"\\udc00\\ud800\",\"workdir\":" + workdir + "}", 400),
            (LaunchWith(",\"maxAutoResponds\":-5"), 400), (LaunchWith(",\"maxAutoResponds\":2147483648"), 400),
        ];
        foreach (var (body, status) in bodies)
        {
            yield return Post($"body {Short(body)}", Api.Sessions, body) with { Expected = [status] };
        }

        // Bytes that are not UTF-8, a BOM, other content types.
        yield return new Case("invalid utf-8", HttpMethod.Post, Api.Sessions, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], Auth()) { Expected = [400] };
        yield return new Case("utf-8 bom", HttpMethod.Post, Api.Sessions, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{}")], Auth()) { Expected = [400] };
        yield return new Case("utf-16 body", HttpMethod.Post, Api.Sessions, Encoding.Unicode.GetBytes("{\"agent\":\"claude\"}"), Auth()) { Expected = [400] };
        yield return new Case("form body", HttpMethod.Post, Api.Sessions, Encoding.ASCII.GetBytes("agent=claude&prompt=hi"),
            [.. Auth(), ("Content-Type", "application/x-www-form-urlencoded")]) { Expected = [400] };

        // Ids that are not sessions (some cannot be), on every route that takes one: 404, or Kestrel's 400 for a bad path.
        string[] ids =
        [
            "a%2Fb", "a%2fb", "%2E%2E", ".hidden", "a.b", "a..b", "%00", "a%00b", "%ZZ", "%", "%C3%A9", "%F0%9F%98%80", "%ED%A0%80",
            "%20", "a%20b", "a;b", "a%3Bb", "%3Cscript%3E", "a%22b", "a'b", "a%5Cb", "%E2%80%AE", "-", "_", "--flag",
            new string('a', 65), new string('a', 2_000), "does-not-exist", "ABCDEF012345", "a:b", "a@b", "a+b", "a%2Bb",
        ];
        string[] verbs = ["", "/respond", "/interrupt", "/kill", "/resume", "/permission"];
        foreach (var id in ids)
        {
            foreach (var verb in verbs)
            {
                var c = verb.Length == 0
                    ? new Case($"get id {Short(id)}", HttpMethod.Get, $"{Api.Sessions}/{id}", null, Auth())
                    : Post($"{verb} id {Short(id)}", $"{Api.Sessions}/{id}{verb}", verb switch
                    {
                        "/respond" => "{\"message\":\"hi\"}",
                        "/resume" => "{}",
                        "/permission" => "{\"decision\":\"allow\"}",
                        _ => null,
                    });
                yield return c with { Expected = [400, 404, 405] };
            }
        }

        foreach (var path in new[] { "/api/sessions/a/b", "/api/sessions/a/b/c/respond", "/api/sessions//", "/api/sessions/%2F", "/api//sessions", "/api/sessions/x/unknown-verb", "/api/unknown", "/api" })
        {
            yield return new Case($"path {path}", HttpMethod.Get, path, null, Auth()) { Expected = [404, 405] };
            yield return Post($"post path {path}", path, "{}") with { Expected = [404, 405] };
        }

        // Respond and resume bodies, to a session that does not exist: the body is checked first.
        string[] respondBodies =
        [
            "", "{}", "null", "[]", "{\"message\":1}", "{\"message\":null}", "{\"message\":\"\"}", "{\"message\":\"  \"}", "{\"message\":[\"a\"]}",
            "{\"message\":\"hi\",\"auto\":\"yes\"}", "{\"message\":\"hi\",\"auto\":1}", "{\"message\":\"hi\",\"auto\":null}",
            "{\"message\":\"\\ud800\"}", "{\"message\":\"hi\"", "{\"unknown\":true}",
        ];
        foreach (var body in respondBodies)
        {
            yield return Post($"respond {Short(body)}", Api.SessionVerb("abc123def456", "respond"), body) with { Expected = [400] };
        }

        yield return Post("respond 300 KB", Api.SessionVerb("abc123def456", "respond"), "{\"message\":\"" + new string('m', 300_000) + "\"}") with { Expected = [413] };

        string[] resumeBodies = ["null", "[]", "{\"prompt\":1}", "{\"prompt\":{}}", "{\"prompt\":\"\\ud800\"}", "{", "\"x\""];
        foreach (var body in resumeBodies)
        {
            yield return Post($"resume {Short(body)}", Api.SessionVerb("abc123def456", "resume"), body) with { Expected = [400] };
        }

        yield return Post("resume 300 KB", Api.SessionVerb("abc123def456", "resume"), "{\"prompt\":\"" + new string('p', 300_000) + "\"}") with { Expected = [413] };
        yield return Post("resume of nothing", Api.SessionVerb("abc123def456", "resume"), "{}") with { Expected = [404] };

        // Permission answers, to a session that does not exist: the body is checked first.
        string[] permissionBodies =
        [
            "", "{}", "null", "[]", "{\"decision\":null}", "{\"decision\":\"\"}", "{\"decision\":\"maybe\"}", "{\"decision\":1}",
            "{\"decision\":[\"allow\"]}", "{\"decision\":\"allow\",\"remember\":\"yes\"}", "{\"decision\":\"deny\",\"message\":1}",
            "{\"decision\":\"deny\",\"message\":\"\\ud800\"}", "{\"decision\":\"allow\"",
            "{\"decision\":\"deny\",\"message\":\"" + new string('m', ApiLimits.MaxPermissionMessageChars + 1) + "\"}",
        ];
        foreach (var body in permissionBodies)
        {
            yield return Post($"permission {Short(body)}", Api.SessionVerb("abc123def456", "permission"), body) with { Expected = [400] };
        }

        yield return Post("permission of nothing", Api.SessionVerb("abc123def456", "permission"), "{\"decision\":\"allow\"}") with { Expected = [404] };
        yield return new Case("get permission", HttpMethod.Get, Api.SessionVerb("abc123def456", "permission"), null, Auth()) { Expected = [405] };

        // Query strings of the list.
        (string Query, int Status)[] queries =
        [
            ("limit=0", 400), ("limit=-1", 400), ("limit=abc", 400), ("limit=1001", 400), ("limit=1e3", 400), ("limit=1.5", 400),
            ("limit=99999999999999999999", 400), ("limit=", 200), ("limit=%00", 400), ("limit=1&limit=2", 400), ("limit=+5", 400),
            ("limit=%205", 400), ("limit=٣", 400), ("cursor=", 200), ("cursor=garbage", 400), ("cursor=%00", 400),
            ("cursor=" + new string('c', 5_000), 400), ("cursor=MTI6YS9i", 400), ("cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ", 400),
            ("cursor=a&cursor=b", 400), ("status=bogus", 400), ("status=running,nope", 400), ("status=running&status=nope", 400),
            ("status=,,,", 200), ("status=%00", 400), ("status=" + new string('s', 5_000), 400), ("agent=%00", 200),
            ("agent=" + new string('a', 5_000), 200), ("agent=a&agent=b", 400), ("unknown=1", 200), ("%ZZ=1", 200), ("status", 200),
            ("&&&", 200), ("limit=1000", 200), ("limit=1&status=completed&agent=claude", 200), ("limit=1&status=running&status=failed", 200),
        ];
        foreach (var (query, status) in queries)
        {
            yield return new Case($"list ?{Short(query)}", HttpMethod.Get, $"{Api.Sessions}?{query}", null, Auth()) { Expected = [status] };
        }

        // Wrong methods.
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, new HttpMethod("FOO") })
        {
            yield return new Case($"{method} sessions", method, Api.Sessions, Encoding.UTF8.GetBytes("{}"), Auth()) { Expected = [405] };
            yield return new Case($"{method} session", method, Api.Session("abc123def456"), null, Auth()) { Expected = [405] };
            yield return new Case($"{method} respond", method, Api.SessionVerb("abc123def456", "respond"), null, Auth()) { Expected = [405] };
        }

        yield return new Case("get respond", HttpMethod.Get, Api.SessionVerb("abc123def456", "respond"), null, Auth()) { Expected = [405] };
        yield return new Case("get resume", HttpMethod.Get, Api.SessionVerb("abc123def456", "resume"), null, Auth()) { Expected = [405] };
        yield return new Case("post one session", HttpMethod.Post, Api.Session("abc123def456"), null, Auth()) { Expected = [405] };
        yield return new Case("head sessions", HttpMethod.Head, Api.Sessions, null, Auth()) { Expected = [200, 405] };

        // Bad idempotency keys, on launch and resume: refused before anything else happens.
        string[] keys = ["", " ", new string('k', 201), new string('k', 5_000), "tab\tkey", "é-key", "nul\u0001key", "\u007f"];
        foreach (var key in keys)
        {
            yield return Post($"launch key {Short(key)}", Api.Sessions, Launch("keyed"), ("Idempotency-Key", key)) with { Expected = [400] };
            yield return Post($"resume key {Short(key)}", Api.SessionVerb("abc123def456", "resume"), "{}", ("Idempotency-Key", key)) with { Expected = [400] };
        }

        // Authorization that is not the bearer token.
        foreach (var authorization in new[] { "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + new string('t', 5_000), "Bearer é", "bearer wrong" })
        {
            yield return new Case($"auth {Short(authorization)}", HttpMethod.Get, Api.Sessions, null, [("Authorization", authorization)]) { Expected = [400, 401] };
        }
    }

    /// <summary>What a launch whose <paramref name="field"/> is <paramref name="value"/> (JSON) must get.</summary>
    private static int ExpectedFor(string field, string value)
    {
        // A lone surrogate is not JSON text that reads as a string: 400 for every field.
        if (value.Contains("\\ud800", StringComparison.Ordinal))
        {
            return 400;
        }

        var isString = value.StartsWith('"');
        var text = isString ? JsonSerializer.Deserialize<string>(value)! : null;
        var optional = field is "name" or "model" or "multiTurn" or "maxAutoResponds" or "env" or "permissionMode";
        return field switch
        {
            _ when value == "null" => optional ? 201 : 400,
            "prompt" when text is { Length: > 262_144 } => 413,
            "prompt" when isString => string.IsNullOrWhiteSpace(text) ? 400 : 201,
            "name" or "model" when isString => string.IsNullOrWhiteSpace(text) || value == "\"😀\"" ? 201 : 400,
            "multiTurn" => value is "true" or "false" ? 201 : 400,
            "maxAutoResponds" => value == "123" ? 201 : 400,
            "env" => value == "{}" ? 201 : 400,
            _ => 400,
        };
    }

    /// <summary>Why an answer is wrong, or null when it is a fine answer to a bad request.</summary>
    private static string? Problem(Case c, Answer answer)
    {
        if (answer.Status >= 500)
        {
            return $"{answer.Status} {Short(answer.Body)}";
        }

        if (c.Expected is { } expected && !expected.Contains(answer.Status))
        {
            return $"expected {string.Join(" or ", expected)}, got {answer.Status} {Short(answer.Body)}";
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

    // Cut, and control characters and lone surrogates written out, so a failure message stays printable.
    private static string Short(string text)
    {
        var cut = text.Length <= 80 ? text : $"{text[..80]}...({text.Length})";
        return string.Concat(cut.Select(ch => char.IsControl(ch) || char.IsSurrogate(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
    }
}
