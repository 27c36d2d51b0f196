using System.Globalization;

namespace SessionCluster.Agents;

/// <summary>
/// What <c>/proc/&lt;pid&gt;/stat</c> says about a process: its parent, group, session and start time. The start time
/// (clock ticks after boot) tells a process from a later one that got the same pid.
/// </summary>
public sealed record ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, long StartTime)
{
    /// <summary>Not a zombie (Z) or dead (X): it still runs and can still start processes.</summary>
    public bool IsAlive => State is not ('Z' or 'X');

    /// <summary>The process's stat, or null when there is no such process (or it cannot be read).</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            return Parse(pid, File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses a stat line; null when it is not one.</summary>
    public static ProcStat? Parse(int pid, string stat)
    {
        // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state); the start time is field 22.
        const int first = 3;
        if (fields.Length <= 22 - first || fields[0].Length != 1)
        {
            return null;
        }

        return int.TryParse(fields[4 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            && int.TryParse(fields[5 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            && int.TryParse(fields[6 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            && long.TryParse(fields[22 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
                ? new ProcStat(pid, fields[0][0], parent, group, session, start)
                : null;
    }
}
