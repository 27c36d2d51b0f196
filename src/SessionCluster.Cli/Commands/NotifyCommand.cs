using System.CommandLine;
using SessionCluster.Contracts;
using Spectre.Console;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>notify channels | list [&lt;id&gt;] | test &lt;channel&gt;</c>: the node's notification channels and their health,
/// notifications and their delivery state, and a test notification through a channel.
/// </summary>
internal static class NotifyCommand
{
    public static Command Create(GlobalOptions globals, CliContext context) =>
        new("notify", "Notification channels, delivery states and a test send")
        {
            Channels(globals, context),
            List(globals, context),
            Test(globals, context),
        };

    private static Command Channels(GlobalOptions globals, CliContext context)
    {
        var command = new Command("channels", "Each channel's health: type, last success, last failure and error, pending count");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var channels = await client.NotificationChannelsAsync(ct);
            if (run.Json)
            {
                run.WriteJson(channels);
                return ExitCodes.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "CHANNEL", "TYPE", "ROLE", "PENDING", "DELIVERED", "FAILED", "LAST SUCCESS", "LAST FAILURE", "LAST ERROR" })
            {
                table.AddColumn(column);
            }

            foreach (var c in channels.Value)
            {
                var role = string.Join(", ", new[] { c.System ? "system" : null, c.Default ? "default" : null }.OfType<string>());
                table.AddRow(
                    new Text(c.Name), new Text(c.Type), new Text(role.Length == 0 ? "-" : role), new Text(c.Pending.ToString()),
                    new Text(c.Delivered.ToString()), new Text(c.Failed.ToString()),
                    new Text(c.LastSuccess is { } ok ? SessionView.Ago(ok, now) : "-"),
                    new Text(c.LastFailure is { } failed ? SessionView.Ago(failed, now) : "-"),
                    new Text(c.LastError is { } error ? SessionCtl.OneLine(error) : "-"));
            }

            run.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions globals, CliContext context)
    {
        var id = new Argument<string?>("id") { Description = "Only this session's notifications", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int?>("--limit", "-l")
        {
            Description = $"At most this many, newest first (at most {Api.MaxNotifications}) [default: {Api.DefaultNotifications}]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--limit", 1),
        };
        var command = new Command("list", "Notifications, newest first, with their delivery state, channel and last error") { id, limit };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var list = await client.NotificationsAsync(run.Parse.GetValue(id), run.Parse.GetValue(limit), ct);
            if (run.Json)
            {
                run.WriteJson(list);
                return ExitCodes.Ok;
            }

            if (list.Value.Count == 0)
            {
                run.Console.Write(new Text("no notifications\n"));
                return ExitCodes.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "ID", "KIND", "STATE", "CHANNEL", "ATTEMPTS", "RAISED", "LAST ERROR" })
            {
                table.AddColumn(column);
            }

            foreach (var n in list.Value)
            {
                table.AddRow(
                    new Text(n.Id), new Text(n.Kind), new Text(n.State), new Text(n.Channel), new Text(n.Attempts.ToString()),
                    new Text(SessionView.Ago(n.RaisedAt, now)), new Text(n.LastError is { } error ? SessionCtl.OneLine(error) : "-"));
            }

            run.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Test(GlobalOptions globals, CliContext context)
    {
        var channel = new Argument<string>("channel") { Description = "The channel to send a test notification to" };
        var command = new Command("test", $"Send a test notification to a channel; exit {ExitCodes.NotDelivered} when the channel does not take it") { channel };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var result = await client.TestNotificationAsync(run.Parse.GetValue(channel)!, ct);
            if (run.Json)
            {
                run.WriteJson(result);
            }
            else
            {
                var r = result.Value;
                run.Console.Write(new Text(r.Delivered
                    ? $"delivered test notification {r.Id} to channel {r.Channel}\n"
                    : $"channel {r.Channel} did not take test notification {r.Id}: {r.Error}\n"));
            }

            return result.Value.Delivered ? ExitCodes.Ok : ExitCodes.NotDelivered;
        });
        return command;
    }
}
