using System.Text.Json;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Testing;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

public sealed class FileChannelTests : IDisposable
{
    private readonly TempDirectory data = new("sessioncluster-filechannel");

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task Each_delivery_appends_one_json_line_to_a_file_under_the_data_directory_created_as_needed()
    {
        using var channel = new FileChannel(new FileChannelSettings("notifications/audit.jsonl", TimeSpan.FromSeconds(5)), data.Path);
        Assert.Equal(data.Combine("notifications", "audit.jsonl"), channel.FullPath);
        Assert.True(System.IO.Directory.Exists(data.Combine("notifications")));

        await channel.DeliverAsync(DeliveryOf("s1:7"), CancellationToken.None);
        await channel.DeliverAsync(DeliveryOf("s2:3", notification: Permission()), CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(channel.FullPath);
        Assert.Equal([NotificationPayload.Json(DeliveryOf("s1:7")), NotificationPayload.Json(DeliveryOf("s2:3", notification: Permission()))], lines);
        Assert.Equal(["s1:7", "s2:3"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(channel.FullPath));
    }

    [Fact]
    public async Task An_absolute_path_is_used_as_it_is_and_an_existing_file_is_appended_to()
    {
        var path = data.Combine("elsewhere", "n.jsonl");
        System.IO.Directory.CreateDirectory(data.Combine("elsewhere"));
        await File.WriteAllTextAsync(path, "{\"old\":true}\n");
        using var channel = new FileChannel(new FileChannelSettings(path, TimeSpan.FromSeconds(5)), "/nonexistent-data-dir");

        await channel.DeliverAsync(DeliveryOf("s1:8"), CancellationToken.None);

        Assert.Equal(["{\"old\":true}", NotificationPayload.Json(DeliveryOf("s1:8"))], await File.ReadAllLinesAsync(path));
    }

    [Fact]
    public async Task Concurrent_deliveries_write_whole_lines_never_interleaved()
    {
        using var channel = new FileChannel(new FileChannelSettings("n.jsonl", TimeSpan.FromSeconds(5)), data.Path);
        var ids = Enumerable.Range(1, 64).Select(i => $"s{i}:1").ToList();

        await Task.WhenAll(ids.Select(id => Task.Run(() => channel.DeliverAsync(DeliveryOf(id), CancellationToken.None))));

        var lines = await File.ReadAllLinesAsync(channel.FullPath);
        Assert.Equal(ids.Order(), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).Order());
    }

    [Fact]
    public async Task A_file_moved_away_by_a_log_rotator_is_started_anew()
    {
        using var channel = new FileChannel(new FileChannelSettings("n.jsonl", TimeSpan.FromSeconds(5)), data.Path);
        await channel.DeliverAsync(DeliveryOf("s1:1"), CancellationToken.None);
        File.Move(channel.FullPath, channel.FullPath + ".1");

        await channel.DeliverAsync(DeliveryOf("s1:2"), CancellationToken.None);

        Assert.Equal([NotificationPayload.Json(DeliveryOf("s1:2"))], await File.ReadAllLinesAsync(channel.FullPath));
    }
}
