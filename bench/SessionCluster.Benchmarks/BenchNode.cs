using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// A real node process (as the end-to-end tests start it, see <see cref="TestNode"/>: both agents, at most
/// 2 API retries) with an HTTP client holding its token, its pid, and sessionctl.
/// </summary>
public sealed class BenchNode : IAsyncDisposable
{
    private static readonly HashSet<string> Finished = ["completed", "failed", "killed", "interrupted"];

    private BenchNode(NodeProcess node, HttpClient http, int pid)
    {
        Node = node;
        Http = http;
        Pid = pid;
    }

    public NodeProcess Node { get; }

    public HttpClient Http { get; }

    public int Pid { get; }

    public string SqliteFile => Path.Combine(Node.DataDir, "sessions.db");

    /// <summary>Starts a node with its data dir, home and config under <paramref name="temp"/>; claude's home is <paramref name="home"/>.</summary>
    /// <param name="claudeExtraArgs">The node's claude.extra-args: the launch benchmark's <see cref="DirectClaude.ExtraArgs"/> by default.</param>
    public static async Task<BenchNode> StartAsync(TempDirectory temp, string modelBaseUrl, string home, IReadOnlyList<string>? claudeExtraArgs = null)
    {
        var environment = TestNode.Environment(modelBaseUrl, home);
        var config = temp.Combine("bench.hocon");
        await File.WriteAllTextAsync(config, $$"""
            sessioncluster.agents {
              interrupt-grace = 2s
              claude.extra-args = [{{string.Join(", ", (claudeExtraArgs ?? DirectClaude.ExtraArgs).Select(a => $"\"{a}\""))}}]
              codex.seed-home = "{{environment["CODEX_HOME"]}}"
            }
            """);
        var node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
        var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        return new BenchNode(node, http, ProcStat.FindNode(node.DataDir));
    }

    /// <summary>POST /api/sessions: a single-turn session (claude unless told otherwise).</summary>
    public async Task<SessionDto> LaunchAsync(string prompt, string workdir, string agent = "claude", string? permissionMode = null)
    {
        using var response = await Http.PostAsJsonAsync(Api.Sessions, new LaunchSessionRequest
        {
            Agent = agent,
            Prompt = prompt,
            Workdir = workdir,
            MultiTurn = false,
            PermissionMode = permissionMode,
        }, Api.Json);
        return await ReadSessionAsync(response, "launch");
    }

    /// <summary>POST /api/sessions/{id}/permission.</summary>
    public async Task<SessionDto> AnswerPermissionAsync(string id, string decision)
    {
        using var response = await Http.PostAsJsonAsync(Api.SessionVerb(id, "permission"), new PermissionAnswerRequest { Decision = decision }, Api.Json);
        return await ReadSessionAsync(response, $"permission {id}");
    }

    public async Task<SessionDto> GetAsync(string id)
    {
        using var response = await Http.GetAsync(Api.Session(id));
        return await ReadSessionAsync(response, $"GET {id}");
    }

    public static bool IsFinished(SessionDto session) => Finished.Contains(session.Status);

    /// <summary>Polls GET /api/sessions/{id} until the session is finished.</summary>
    public async Task<SessionDto> WaitFinishedAsync(string id, TimeSpan timeout, TimeSpan every)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var session = await GetAsync(id);
            if (IsFinished(session))
            {
                return session;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"session {id} still {session.Status} after {timeout.TotalSeconds} s\nnode:\n{Node.Output}");
            }

            await Task.Delay(every);
        }
    }

    /// <summary>Runs the real sessionctl as the end-to-end tests do; timestamps around it.</summary>
    public Task<SessionctlProcess.Result> SessionctlAsync(params string[] args) => SessionctlProcess.RunAsync(Node, args);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Node.DisposeAsync();
    }

    private async Task<SessionDto> ReadSessionAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode} {body}\nnode:\n{Node.Output}");
        }

        return JsonSerializer.Deserialize<SessionDto>(body, Api.Json) ?? throw new InvalidOperationException($"{what}: empty body");
    }
}
