using SessionCluster.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the running request or wait; a second one ends the process.
    if (cancellation.IsCancellationRequested)
    {
        return;
    }

    e.Cancel = true;
    cancellation.Cancel();
};

return await SessionCtl.RunAsync(args, CliContext.FromProcess(), cancellation.Token);
