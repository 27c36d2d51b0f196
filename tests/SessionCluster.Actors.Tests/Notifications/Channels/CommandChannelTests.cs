using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Testing;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>The command channel running real programs (the channel itself never uses a shell; some tests do, as the program).</summary>
public sealed class CommandChannelTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TempDirectory data = new("sessioncluster-commandchannel");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        data.Dispose();
    }

    [Fact]
    public async Task The_program_gets_the_json_payload_on_stdin_and_its_exit_0_is_delivered()
    {
        var captured = data.Combine("stdin.json");
        using var channel = new CommandChannel(new CommandChannelSettings("tee", Args(captured), Wait), data.Path);

        await channel.DeliverAsync(DeliveryOf("s1:7"), CancellationToken.None);

        Assert.Equal(NotificationPayload.Json(DeliveryOf("s1:7")), await File.ReadAllTextAsync(captured));
    }

    [Fact]
    public async Task Arguments_reach_the_program_exactly_as_configured_with_no_shell_in_between()
    {
        const string name = "a file; $(touch pwned) `id` *.json";
        using var channel = new CommandChannel(new CommandChannelSettings("tee", Args(name), Wait), data.Path);

        await channel.DeliverAsync(DeliveryOf(), CancellationToken.None);

        Assert.Equal([name], System.IO.Directory.GetFiles(data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_program_runs_in_the_data_directory_and_knows_the_notification_from_its_environment()
    {
        using var channel = new CommandChannel(
            new CommandChannelSettings("/bin/sh", Args("-c", "echo \"$SESSIONCLUSTER_NOTIFICATION_ID $SESSIONCLUSTER_NOTIFICATION_KIND $SESSIONCLUSTER_SESSION_ID\" > env.txt"), Wait),
            data.Path);

        await channel.DeliverAsync(DeliveryOf("s1:7"), CancellationToken.None);

        Assert.Equal("s1:7 failed s1\n", await File.ReadAllTextAsync(data.Combine("env.txt")));
    }

    [Fact]
    public async Task A_program_that_exits_3_fails_the_delivery_with_its_exit_code_and_the_end_of_its_stderr()
    {
        using var channel = new CommandChannel(
            new CommandChannelSettings("/bin/sh", Args("-c", "cat > /dev/null; echo 'gateway: no token configured' >&2; exit 3"), Wait),
            data.Path);

        var e = await Assert.ThrowsAsync<ChannelException>(() => channel.DeliverAsync(DeliveryOf(), CancellationToken.None));

        Assert.Equal("exit 3: gateway: no token configured", e.Message);
    }

    [Fact]
    public async Task Only_the_last_500_characters_of_a_long_stderr_are_kept()
    {
        using var channel = new CommandChannel(
            new CommandChannelSettings("/bin/sh", Args("-c", "head -c 20000 /dev/zero | tr '\\0' 'a' >&2; printf 'THE END' >&2; exit 1"), Wait),
            data.Path);

        var e = await Assert.ThrowsAsync<ChannelException>(() => channel.DeliverAsync(DeliveryOf(), CancellationToken.None));

        Assert.Equal($"exit 1: {new string('a', 493)}THE END", e.Message);
    }

    [Fact]
    public async Task A_program_that_does_not_read_its_stdin_is_judged_by_its_exit_code()
    {
        using var channel = new CommandChannel(new CommandChannelSettings("true", Args(), Wait), data.Path);

        await channel.DeliverAsync(DeliveryOf(notification: Failed() with { Text = new string('x', 1_000_000) }), CancellationToken.None);
    }

    [Fact]
    public async Task A_program_that_cannot_start_fails_with_a_clear_message()
    {
        using var channel = new CommandChannel(new CommandChannelSettings("no-such-gateway-cli", Args("send"), Wait), data.Path);

        var e = await Assert.ThrowsAsync<ChannelException>(() => channel.DeliverAsync(DeliveryOf(), CancellationToken.None));

        Assert.Equal("cannot start no-such-gateway-cli: No such file or directory", e.Message);
    }

    [Fact]
    public async Task Cancelling_a_delivery_kills_the_program_and_every_process_it_started()
    {
        using var channel = new CommandChannel(
            new CommandChannelSettings("/bin/sh", Args("-c", "echo $$ > sh.pid; sleep 300 & echo $! > child.pid; wait"), Wait),
            data.Path);
        using var cancel = new CancellationTokenSource();

        var delivering = channel.DeliverAsync(DeliveryOf(), cancel.Token);
        var pids = Pids(data.Combine("sh.pid"), data.Combine("child.pid"));
        Assert.All(pids, pid => Assert.True(Alive(pid), $"{pid} is not running"));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivering.WaitAsync(Wait));
        AwaitAssert(() => Assert.All(pids, pid => Assert.False(Alive(pid), $"{pid} outlived the cancellation")), Wait);
    }

    private int[] Pids(params string[] files)
    {
        AwaitCondition(() => files.All(f => File.Exists(f) && File.ReadAllText(f).EndsWith('\n')), Wait);
        return [.. files.Select(f => int.Parse(File.ReadAllText(f).Trim()))];
    }

    /// <summary>Running (not gone, not a zombie waiting to be reaped).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
