using System.Globalization;
using System.Runtime.InteropServices;

namespace SessionCluster.Agents;

/// <summary>
/// The watchdog a node runs beside itself (<c>SessionCluster.Node reaper</c>): it reads the node's agent
/// registrations on stdin and, when stdin reaches its end, kills every agent tree still registered. The end
/// comes when the node closes it last on a graceful stop, or when the kernel closes it because the node died,
/// however it died and whichever of its threads started anything: nothing here hangs on a thread's lifetime,
/// unlike a parent-death signal.
/// </summary>
/// <remarks>
/// Lines: <c>+ &lt;pid&gt; &lt;starttime&gt; &lt;mark&gt;</c> when an agent starts (its pid is its group and session
/// id), <c>- &lt;pid&gt;</c> when nothing of it is left. Anything else is reported and skipped.
/// </remarks>
public sealed class AgentReaper(TextWriter log)
{
    public const string Verb = "reaper";

    /// <summary>The reaper's one line on stdout: it watches, and stop signals no longer end it.</summary>
    public const string Ready = "ready";

    private readonly Dictionary<int, AgentTree> trees = [];

    /// <summary>The trees registered and not yet unregistered.</summary>
    public IReadOnlyCollection<AgentTree> Registered => trees.Values;

    /// <summary>
    /// The reaper process. Stop signals are ignored (the end of stdin is the only way out); once they are,
    /// <see cref="Ready"/> is written to stdout, which is then closed.
    /// </summary>
    public static async Task<int> RunAsync(Stream stdin, Stream stdout, TextWriter log)
    {
        // A Ctrl-C of the node's terminal (or a SIGTERM to its cgroup) must not end the reaper before the node
        // has stopped its agents; it sits in a session of its own as well.
        var ignored = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, context => context.Cancel = true))
            .ToList();
        try
        {
            await using (stdout)
            {
                await stdout.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Ready + "\n"));
            }

            using var reader = new StreamReader(stdin);
            await new AgentReaper(log).WatchAsync(reader);
            return 0;
        }
        finally
        {
            ignored.ForEach(registration => registration.Dispose());
        }
    }

    /// <summary>Takes registrations until the input ends, then kills what is still registered.</summary>
    /// <returns>How many registered agents still had live processes.</returns>
    public async Task<int> WatchAsync(TextReader input)
    {
        try
        {
            while (await input.ReadLineAsync() is { } line)
            {
                Apply(line);
            }
        }
        catch (IOException)
        {
            // A broken pipe is the node gone as well.
        }

        return await KillRegisteredAsync();
    }

    /// <summary>Applies one registration line.</summary>
    public void Apply(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["+", var pid, var start, var mark] when Number(pid) is int p and > 1 && long.TryParse(start, CultureInfo.InvariantCulture, out var s):
                trees[p] = new AgentTree(p, s, mark);
                break;
            case ["-", var pid] when Number(pid) is int p:
                trees.Remove(p);
                break;
            default:
                Write($"ignored a line it does not understand: {line}");
                break;
        }
    }

    /// <summary>Kills every registered tree (see <see cref="AgentTree"/> for what is and is not taken for it).</summary>
    /// <returns>How many of them still had live processes.</returns>
    public async Task<int> KillRegisteredAsync()
    {
        var all = trees.Values.ToList();
        trees.Clear();
        var found = AgentTree.KillRound(all);
        var gone = await AgentTree.KillAllAsync(found, AgentTree.KillDeadline);
        foreach (var tree in found)
        {
            Write($"killed what was left of agent {tree.Pid}: its node is gone");
        }

        if (!gone)
        {
            Write($"could not kill everything within {AgentTree.KillDeadline.TotalSeconds} s");
        }

        return found.Count;
    }

    private static int? Number(string text) => int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : null;

    private void Write(string message)
    {
        try
        {
            log.WriteLine($"sessioncluster-reaper: {message}");
            log.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The node's console went with the node.
        }
    }
}
