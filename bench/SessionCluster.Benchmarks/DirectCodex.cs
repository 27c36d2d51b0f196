using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Runs <c>codex app-server</c> as the node would, without the node: <see cref="CodexDriver"/>'s argv and its own
/// CODEX_HOME seeded the same way, and its <see cref="IAgentConversation"/> answering the lines (initialized,
/// thread/start, then turn/start once the thread is named); stdin closes at the turn's end.
/// </summary>
public static class DirectCodex
{
    public static async Task<DirectClaude.Run> RunAsync(ScriptedModelServer model, string home, string homesRoot, string workdir, string prompt)
    {
        var environment = TestNode.Environment(model.BaseUrl, home);
        var driver = new CodexDriver(new CodexDriverOptions(AgentBinaries.Codex, homesRoot, environment["CODEX_HOME"]));
        var request = new AgentLaunchRequest(
            $"bench-{Guid.NewGuid():N}",
            new LaunchSpec("codex", prompt, workdir, null, MultiTurn: false, 0, ImmutableSortedDictionary<string, string>.Empty));
        var spec = driver.Launch(request);
        var conversation = driver.Converse(request);
        var firstRequest = FirstRequest.Watch(model, prompt);
        var (started, start, kernelStart) = await DirectStart.StartAsync(spec, environment);
        using var process = started;
        var stderr = process.StandardError.ReadToEndAsync();

        long firstLineAt = 0, resultAt = 0;
        var lines = 0;
        List<AgentEvent> events = [];
        List<string> replies = [];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var now = Stopwatch.GetTimestamp();
            if (lines++ == 0)
            {
                firstLineAt = now;
            }

            events.Clear();
            replies.Clear();
            conversation.Read(Encoding.UTF8.GetBytes(line), events, replies);
            foreach (var reply in replies)
            {
                await process.StandardInput.WriteLineAsync(reply);
            }

            await process.StandardInput.FlushAsync();
            if (events.OfType<AgentTurnResult>().Any())
            {
                resultAt = now;
                process.StandardInput.Close();
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        if (resultAt == 0)
        {
            throw new InvalidOperationException($"codex exited {process.ExitCode} without a turn result; stderr: {await stderr}");
        }

        var requestAt = await firstRequest.At(TimeSpan.FromSeconds(10));
        return new DirectClaude.Run(
            Stopwatch.GetElapsedTime(start, firstLineAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(start, requestAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(start, resultAt).TotalMilliseconds,
            lines,
            process.ExitCode,
            kernelStart is { } k ? Stopwatch.GetElapsedTime(start, k).TotalMilliseconds : double.NaN);
    }
}
