using SessionCluster.Benchmarks;

// dotnet run -c Release --project bench/SessionCluster.Benchmarks -- [parser] [launch] [codex-launch] [concurrency] [permission] [restart]
//     [chain] [sse] [idle] [event-log] [event-log-read] [notify] [failover]
// No argument runs them all. Exit code 0 unless something failed (a missed target is printed, not an error).
var all = new Dictionary<string, Func<Task<IReadOnlyList<Verdict>>>>(StringComparer.OrdinalIgnoreCase)
{
    ["parser"] = () => Task.FromResult(ParserBenchmark.Run()),
    ["launch"] = () => LaunchBenchmark.RunAsync("claude"),
    ["codex-launch"] = () => LaunchBenchmark.RunAsync("codex"),
    ["concurrency"] = ConcurrencyBenchmark.RunAsync,
    ["permission"] = PermissionBenchmark.RunAsync,
    ["restart"] = RestartBenchmark.RunAsync,
    ["chain"] = ChainBenchmark.RunAsync,
    ["sse"] = SseBenchmark.RunAsync,
    ["idle"] = IdleBenchmark.RunAsync,
    ["event-log"] = EventLogBenchmark.RunAsync,
    ["event-log-read"] = EventLogReadBenchmark.RunAsync,
    ["notify"] = NotifyBenchmark.RunAsync,
    ["failover"] = FailoverBenchmark.RunAsync,
};

var chosen = args.Length == 0 ? [.. all.Keys] : args;
var unknown = chosen.Where(a => !all.ContainsKey(a)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown benchmark(s): {string.Join(", ", unknown)}; choose from: {string.Join(", ", all.Keys)} (none = all)");
    return 2;
}

Console.WriteLine(Machine.Describe());
var verdicts = new List<Verdict>();
var failed = new List<string>();
foreach (var name in chosen)
{
    Report.Heading(name);
    try
    {
        verdicts.AddRange(await all[name]());
    }
    catch (Exception e)
    {
        failed.Add(name);
        Console.Error.WriteLine($"ERROR in benchmark '{name}': {e}");
    }
}

Report.Heading("summary");
foreach (var verdict in verdicts)
{
    Console.WriteLine(verdict);
}

foreach (var name in failed)
{
    Console.WriteLine($"ERROR   {name}: failed, see above");
}

return failed.Count == 0 ? 0 : 1;
