using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.Support;

/// <summary>Records every callback of a run, in order, and lets a test await the ones it expects.</summary>
public sealed class RecordingListener : IAgentRunListener
{
    private readonly Lock gate = new();
    private readonly List<object> calls = [];
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> waiters = [];

    public IReadOnlyList<object> Calls => Snapshot(calls);

    public IReadOnlyList<AgentEvent> Events => Snapshot(calls.OfType<AgentEvent>());

    public IReadOnlyList<int> Pids => Snapshot(calls.OfType<Started>().Select(s => s.Pid));

    public IReadOnlyList<(string Id, string? Model)> SessionIds => Snapshot(calls.OfType<SessionId>().Select(s => (s.Id, s.Model)));

    public IReadOnlyList<(AgentTurnResult Result, WaitingReason Next)> Results =>
        Snapshot(calls.OfType<TurnResult>().Select(r => (r.Result, r.Next)));

    /// <summary>What <see cref="IAgentRunListener.OnPermissionRequest"/> reported (the events hold them too).</summary>
    public IReadOnlyList<AgentPermissionRequest> PermissionRequests => Snapshot(calls.OfType<PermissionRequest>().Select(p => p.Request));

    public IReadOnlyList<AgentExit> Exits => Snapshot(calls.OfType<AgentExit>());

    public void OnProcessStarted(int pid, long startTime) => Add(new Started(pid, startTime));

    public void OnAgentEvent(AgentEvent e) => Add(e);

    public void OnAgentSessionId(string id, string? model) => Add(new SessionId(id, model));

    public void OnPermissionRequest(AgentPermissionRequest request) => Add(new PermissionRequest(request));

    public void OnQuestion(AgentQuestion question) => Add(new Question(question));

    public IReadOnlyList<AgentQuestion> Questions => Snapshot(calls.OfType<Question>().Select(q => q.Asked));

    public void OnTurnResult(AgentTurnResult result, WaitingReason next) => Add(new TurnResult(result, next));

    public void OnExit(AgentExit exit) => Add(exit);

    public async Task<AgentExit> WaitForExitAsync(TimeSpan timeout, int count = 1)
    {
        await WaitUntilAsync(() => calls.OfType<AgentExit>().Count() >= count, timeout, $"exit #{count}");
        return Exits[count - 1];
    }

    public async Task<(AgentTurnResult Result, WaitingReason Next)> WaitForResultAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(() => calls.OfType<TurnResult>().Count() >= count, timeout, $"turn result #{count}");
        return Results[count - 1];
    }

    public async Task<AgentPermissionRequest> WaitForPermissionRequestAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(() => calls.OfType<PermissionRequest>().Count() >= count, timeout, $"permission request #{count}");
        return PermissionRequests[count - 1];
    }

    public async Task<T> WaitForEventAsync<T>(TimeSpan timeout)
        where T : AgentEvent
    {
        await WaitUntilAsync(() => calls.OfType<T>().Any(), timeout, typeof(T).Name);
        return Events.OfType<T>().First();
    }

    private async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (done())
            {
                return;
            }

            waiters.Add((done, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s; the run reported: {string.Join(" | ", Calls)}");
        }
    }

    private void Add(object call)
    {
        List<TaskCompletionSource> ready;
        lock (gate)
        {
            calls.Add(call);
            ready = waiters.Where(w => w.Done()).Select(w => w.Signal).ToList();
            waiters.RemoveAll(w => ready.Contains(w.Signal));
        }

        ready.ForEach(signal => signal.TrySetResult());
    }

    private IReadOnlyList<T> Snapshot<T>(IEnumerable<T> items)
    {
        lock (gate)
        {
            return items.ToList();
        }
    }

    public sealed record Started(int Pid, long StartTime);

    public sealed record SessionId(string Id, string? Model);

    public sealed record PermissionRequest(AgentPermissionRequest Request);

    public sealed record Question(AgentQuestion Asked);

    public sealed record TurnResult(AgentTurnResult Result, WaitingReason Next);
}
