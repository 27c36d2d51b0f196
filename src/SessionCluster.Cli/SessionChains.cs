using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>
/// Sessions grouped by resume chain, for <c>list --chains</c>: each first session (one whose resumed-from session is not
/// in the list), then its resumes under it, oldest first, then theirs (a session resumed twice branches).
/// </summary>
public static class SessionChains
{
    /// <summary>One session in the grouped order, with how many resumes it is below its chain's first session.</summary>
    public sealed record Entry(SessionDto Session, int Depth);

    /// <summary>
    /// The grouped order: chains in the order of their first session in <paramref name="sessions"/> (the list's, newest
    /// first). Every session appears once, also in a broken journal's cycle (the node never makes one).
    /// </summary>
    public static IReadOnlyList<Entry> Group(IReadOnlyList<SessionDto> sessions)
    {
        var byId = sessions.GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var resumes = sessions
            .Where(s => s.ResumedFromId is { } from && byId.ContainsKey(from))
            .GroupBy(s => s.ResumedFromId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<Entry>();

        void Place(SessionDto session, int depth)
        {
            var stack = new Stack<(SessionDto Session, int Depth)>();
            stack.Push((session, depth));
            while (stack.Count > 0)
            {
                var (next, at) = stack.Pop();
                if (!placed.Add(next.Id))
                {
                    continue;
                }

                order.Add(new Entry(next, at));
                foreach (var resumed in Enumerable.Reverse(resumes.GetValueOrDefault(next.Id) ?? []))
                {
                    stack.Push((resumed, at + 1));
                }
            }
        }

        foreach (var first in sessions.Where(s => s.ResumedFromId is null || !byId.ContainsKey(s.ResumedFromId)))
        {
            Place(first, 0);
        }

        // Only a cycle is left (each resumed from another listed one): shown from its first listed session.
        foreach (var left in sessions.Where(s => !placed.Contains(s.Id)))
        {
            Place(left, 0);
        }

        return order;
    }

    /// <summary>The chains as lists of ids, first session first, in the grouped order (for --json).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Ids(IReadOnlyList<Entry> entries)
    {
        var chains = new List<List<string>>();
        foreach (var entry in entries)
        {
            if (entry.Depth == 0)
            {
                chains.Add([]);
            }

            chains[^1].Add(entry.Session.Id);
        }

        return chains;
    }

    /// <summary>The chains as an indented JSON array of arrays of ids (written by hand: no reflection, as <see cref="WireJson"/>).</summary>
    public static string Json(IReadOnlyList<IReadOnlyList<string>> chains)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var chain in chains)
            {
                writer.WriteStartArray();
                chain.ToList().ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>How the ID column shows an entry: the first session as it is, a resume indented under it with "-> ".</summary>
    public static string Label(Entry entry) =>
        entry.Depth == 0 ? entry.Session.Id : new string(' ', 2 * (entry.Depth - 1)) + "-> " + entry.Session.Id;

    /// <summary>A resume chain as <c>show</c> prints it: this session first, back to the first one (C -> B -> A).</summary>
    public static string Line(IReadOnlyList<string> chain) => string.Join(" -> ", chain);
}
