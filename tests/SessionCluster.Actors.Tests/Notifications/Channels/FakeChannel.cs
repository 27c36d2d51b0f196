using System.Collections.Concurrent;
using SessionCluster.Actors.Notifications.Channels;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>A channel whose every delivery does what the test says; it records what it was asked and whether it was disposed.</summary>
public sealed class FakeChannel(Func<NotificationDelivery, CancellationToken, Task> deliver) : INotificationChannel
{
    private int calls;
    private int disposed;

    public ConcurrentQueue<NotificationDelivery> Started { get; } = new();

    public int Calls => Volatile.Read(ref calls);

    public bool Disposed => Volatile.Read(ref disposed) == 1;

    public static FakeChannel Delivering() => new((_, _) => Task.CompletedTask);

    public Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation)
    {
        Interlocked.Increment(ref calls);
        Started.Enqueue(delivery);
        return deliver(delivery, cancellation);
    }

    public void Dispose() => Interlocked.Exchange(ref disposed, 1);
}
