using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>
/// The real <c>codex app-server</c> as one <see cref="AgentProcess"/> (argv, no shell) with a home and a working
/// directory of its own: writes JSON-RPC lines, keeps every line it reads, and waits for what a test expects.
/// </summary>
public sealed class CodexAppServerRig : IAsyncDisposable
{
    private readonly List<CodexMessage> messages = [];
    private readonly Lock gate = new();
    private readonly Task pump;
    private readonly bool ownsDirectories;
    private TaskCompletionSource changed = NewSignal();
    private long nextId;

    private CodexAppServerRig(TempDirectory home, TempDirectory workdir, IReadOnlyDictionary<string, string> env, bool ownsDirectories = true)
    {
        this.ownsDirectories = ownsDirectories;
        Home = home;
        Workdir = workdir;
        Env = env;
        Process = AgentProcess.Start(new AgentProcessSpec(AgentBinaries.Codex, ["app-server"], workdir.Path, env, [], KeepStdinOpen: true));
        pump = PumpAsync();
    }

    public TempDirectory Home { get; }

    public TempDirectory Workdir { get; }

    public IReadOnlyDictionary<string, string> Env { get; }

    public AgentProcess Process { get; }

    /// <summary>Every line read so far, oldest first.</summary>
    public IReadOnlyList<CodexMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    /// <summary>Starts codex app-server with its model provider set to <paramref name="server"/>'s Responses API.</summary>
    /// <param name="maxRetries">See <see cref="CodexTestEnvironment.Create"/>; codex's own retries when null.</param>
    public static CodexAppServerRig Start(ScriptedModelServer server, int? maxRetries = null)
    {
        var home = new TempDirectory("codex-home");
        var env = CodexTestEnvironment.Create(server.ResponsesBaseUrl, home.Path, maxRetries: maxRetries);
        return new CodexAppServerRig(home, new TempDirectory("codex-work"), env);
    }

    /// <summary>
    /// Another codex app-server process with this one's home (its threads), working directory and environment:
    /// what resuming after a restart sees. The directories stay this rig's to delete.
    /// </summary>
    public CodexAppServerRig SameHomeAgain() => new(Home, Workdir, Env, ownsDirectories: false);

    /// <summary>initialize, then the initialized notification: what codex needs before any other request.</summary>
    public async Task<CodexResponse> InitializeAsync(CancellationToken cancel)
    {
        var answer = await RequestAsync(new CodexInitialize(new CodexClientInfo("sessioncluster-tests", "0.1.0")), cancel);
        await Process.WriteLineAsync(JsonRpcLine.Notification(new CodexInitialized()), cancel);
        return answer;
    }

    /// <summary>Writes the request and waits for the successful answer with its id.</summary>
    public async Task<CodexResponse> RequestAsync(CodexRequest request, CancellationToken cancel)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Process.WriteLineAsync(JsonRpcLine.Request(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), request), cancel);
        var answer = await WaitForAsync<CodexMessage>(m => m is CodexResponse r && r.Id == id || m is CodexErrorResponse e && e.Id == id, cancel);
        return answer as CodexResponse ?? throw new InvalidOperationException($"{request.Method} failed: {answer.RawJson}");
    }

    /// <summary>The first message (already read or still to come) of type <typeparamref name="T"/> that matches.</summary>
    /// <exception cref="InvalidOperationException">Stdout ended without one: the message says what stderr said.</exception>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, CancellationToken cancel)
        where T : CodexMessage
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (messages.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                next = changed.Task;
            }

            if (pump.IsCompleted)
            {
                throw new InvalidOperationException(
                    $"codex app-server's stdout ended without the {typeof(T).Name} expected; stderr: {Process.StderrTail}");
            }

            try
            {
                await Task.WhenAny(next, pump).WaitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"no {typeof(T).Name} as expected in time; read: {string.Join("\n", Messages.Select(m => m.RawJson))}\nstderr: {Process.StderrTail}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await pump.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (ownsDirectories)
        {
            Home.Dispose();
            Workdir.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task PumpAsync() => Process.ReadOutputAsync((line, truncated) =>
    {
        var message = CodexMessageParser.Parse(line, truncated);
        TaskCompletionSource wake;
        lock (gate)
        {
            messages.Add(message);
            wake = changed;
            changed = NewSignal();
        }

        wake.TrySetResult();
    });
}
