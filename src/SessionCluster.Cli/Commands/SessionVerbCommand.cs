using System.CommandLine;

namespace SessionCluster.Cli.Commands;

/// <summary><c>interrupt</c> and <c>kill</c>: body-less POSTs on one session that answer with the session.</summary>
internal static class SessionVerbCommand
{
    public static Command Interrupt(GlobalOptions globals, CliContext context) =>
        Create("interrupt", "Interrupt the agent's current turn (POST /api/sessions/{id}/interrupt)", globals, context,
            (client, id, ct) => client.InterruptAsync(id, ct));

    public static Command Kill(GlobalOptions globals, CliContext context) =>
        Create("kill", "Kill the session's agent process (POST /api/sessions/{id}/kill)", globals, context,
            (client, id, ct) => client.KillAsync(id, ct));

    private static Command Create(
        string name,
        string description,
        GlobalOptions globals,
        CliContext context,
        Func<ApiClient, string, CancellationToken, Task<ApiResponse<Contracts.SessionDto>>> send)
    {
        var id = SessionIdArgument.Create();
        var command = new Command(name, description) { id };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            run.ShowSession(await send(client, run.Parse.GetValue(id)!, ct));
            return ExitCodes.Ok;
        });
        return command;
    }
}
