using Akka.Actor;
using Akka.Event;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// Owns one channel and makes the deliveries asked of it, each answered to its sender with <see cref="ChannelDelivered"/>
/// or <see cref="ChannelDeliveryFailed"/>. Run under <see cref="ChannelSupervision"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>PreStart</term><description>create the channel; a throw fails the actor (after publishing <see cref="ChannelStartFailed"/>) and its supervisor restarts it with backoff.</description></item>
/// <item><term><see cref="DeliverToChannel"/></term><description>queue it; start queued deliveries, oldest first, while fewer than <see cref="MaxInFlight"/> are running.</description></item>
/// <item><term>an attempt ends</term><description>answer its sender (failed "timed out after …" when its timeout passed first, else with the exception's message); start the next queued.</description></item>
/// <item><term>PostStop</term><description>cancel what is running, dispose the channel.</description></item>
/// </list>
/// A delivery runs on the thread pool, its token cancelled at the timeout, and is answered at the timeout even when the
/// channel ignores the token: nothing a channel does (throw at once, block its caller, never finish) blocks or fails
/// this actor. An attempt abandoned that way no longer counts against <see cref="MaxInFlight"/>. The timeout runs
/// from when the attempt starts, not while it waits in the queue.
/// </remarks>
public sealed class ChannelActor : ReceiveActor
{
    /// <summary>Deliveries running at once; the rest wait, in order.</summary>
    public const int MaxInFlight = 32;

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly string name;
    private readonly Func<ILoggingAdapter, INotificationChannel> create;
    private readonly TimeSpan timeout;
    private readonly Queue<(IActorRef ReplyTo, NotificationDelivery Delivery)> waiting = new();
    private readonly HashSet<CancellationTokenSource> running = [];
    private INotificationChannel? channel;

    public ChannelActor(string name, Func<ILoggingAdapter, INotificationChannel> create, TimeSpan timeout)
    {
        this.name = name;
        this.create = create;
        this.timeout = timeout;

        Receive<DeliverToChannel>(deliver =>
        {
            waiting.Enqueue((Sender, deliver.Delivery));
            StartWhatFits();
        });
        Receive<AttemptEnded>(ended =>
        {
            running.Remove(ended.Cancel);
            ended.Cancel.Dispose();
            ended.ReplyTo.Tell(ended.Outcome);
            StartWhatFits();
        });
    }

    /// <summary>Deliveries started and not yet answered.</summary>
    private int InFlight => running.Count;

    public static Props Props(string name, Func<ILoggingAdapter, INotificationChannel> create, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new ChannelActor(name, create, timeout));

    /// <summary>"5s", "1.5s", "300ms": how a timeout reads in an error.</summary>
    public static string Describe(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{Math.Round(span.TotalMilliseconds)}ms",
        _ => $"{Math.Round(span.TotalSeconds, 1)}s",
    };

    protected override void PreStart()
    {
        try
        {
            channel = create(log);
        }
        catch (Exception e)
        {
            Context.System.EventStream.Publish(new ChannelStartFailed(name, ErrorOf(e)));
            throw;
        }
    }

    protected override void PostStop()
    {
        foreach (var cancel in running)
        {
            cancel.Cancel();
        }

        try
        {
            channel?.Dispose();
        }
        catch (Exception e)
        {
            log.Warning(e, "Channel {Channel}: disposing it failed", name);
        }
    }

    private void StartWhatFits()
    {
        while (InFlight < MaxInFlight && waiting.TryDequeue(out var next))
        {
            var cancel = new CancellationTokenSource(timeout);
            running.Add(cancel);
            var replyTo = next.ReplyTo;
            AttemptAsync(channel!, next.Delivery, cancel.Token)
                .PipeTo(Self, success: outcome => new AttemptEnded(replyTo, cancel, outcome));
        }
    }

    /// <summary>Never throws: every outcome is an answer.</summary>
    private async Task<object> AttemptAsync(INotificationChannel target, NotificationDelivery delivery, CancellationToken cancellation)
    {
        // On the thread pool, so a channel that blocks before its first await blocks no actor thread.
        var delivering = Task.Run(() => target.DeliverAsync(delivery, cancellation), CancellationToken.None);
        try
        {
            await delivering.WaitAsync(cancellation);
            return new ChannelDelivered(name, delivery.Id, delivery.Attempt);
        }
        catch (Exception e)
        {
            if (!delivering.IsCompleted)
            {
                // Abandoned: observe its end, so a late failure is not an unobserved task exception.
                _ = delivering.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            }

            var error = cancellation.IsCancellationRequested ? $"timed out after {Describe(timeout)}" : ErrorOf(e);
            return new ChannelDeliveryFailed(name, delivery.Id, delivery.Attempt, error);
        }
    }

    /// <summary>The message a failure is shown with: the exception's own (of the first inner one for a wrapper), never a stack trace.</summary>
    private static string ErrorOf(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner)
        {
            e = inner;
        }

        var message = string.IsNullOrWhiteSpace(e.Message) ? e.GetType().Name : e.Message.Trim();
        return message.Length <= 1000 ? message : message[..1000];
    }

    private sealed record AttemptEnded(IActorRef ReplyTo, CancellationTokenSource Cancel, object Outcome);
}
