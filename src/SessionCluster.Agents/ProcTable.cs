using System.Text;

namespace SessionCluster.Agents;

/// <summary>The processes <c>/proc</c> lists right now, and what their environment held when they started.</summary>
internal sealed class ProcTable
{
    private readonly Dictionary<int, string?> marks = [];

    private ProcTable(List<ProcStat> all)
    {
        All = all;
    }

    /// <summary>Every process whose stat could be read (one that ends meanwhile is left out).</summary>
    public List<ProcStat> All { get; }

    public static ProcTable Snapshot()
    {
        var all = new List<ProcStat>(256);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), out var pid) && ProcStat.Read(pid) is { } stat)
            {
                all.Add(stat);
            }
        }

        return new ProcTable(all);
    }

    /// <summary>The process's <see cref="AgentTree.MarkVariable"/>, read once per snapshot however many trees ask.</summary>
    public string? MarkOf(int pid)
    {
        if (!marks.TryGetValue(pid, out var mark))
        {
            mark = Variable(pid, AgentTree.MarkVariable);
            marks[pid] = mark;
        }

        return mark;
    }

    /// <summary>The value of one variable in the environment the process was started with, or null.</summary>
    public static string? Variable(int pid, string name)
    {
        byte[] environ;
        try
        {
            environ = File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var prefix = Encoding.UTF8.GetBytes($"{name}=");
        foreach (var range in environ.AsSpan().Split((byte)0))
        {
            var entry = environ.AsSpan(range);
            if (entry.StartsWith(prefix))
            {
                return Encoding.UTF8.GetString(entry[prefix.Length..]);
            }
        }

        return null;
    }
}
