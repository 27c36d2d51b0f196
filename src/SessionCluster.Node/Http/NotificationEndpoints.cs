using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Actors.Notifications;
using SessionCluster.Contracts;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>The notifier's view: channel health, notifications and their delivery state, and a test send.</summary>
public static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Api.NotificationChannels, Channels);
        app.MapGet(Api.Notifications, List);
        app.MapPost(Api.NotificationTest, Test);
    }

    private static async Task<IResult> Channels(IRequiredActor<NotificationDispatcher> notifier, NodeSettings settings)
    {
        var report = await notifier.ActorRef.Ask<ChannelHealthReport>(GetChannelHealth.Instance, settings.AskTimeout);
        return Results.Ok(report.Channels.Select(c => new ChannelHealthDto(
            c.Name, c.Type, c.IsSystem, c.IsDefault, c.LastSuccess, c.LastFailure, c.LastError, c.Pending, c.Delivered, c.Failed)).ToList());
    }

    private static async Task<IResult> List(HttpRequest request, IRequiredActor<NotificationDispatcher> notifier, NodeSettings settings)
    {
        var limit = Api.DefaultNotifications;
        if (request.Query["limit"] is { Count: > 0 } text)
        {
            if (!int.TryParse(text, out limit) || limit < 1 || limit > Api.MaxNotifications)
            {
                return Problems.BadRequest($"limit must be a whole number from 1 to {Api.MaxNotifications}, not {FieldText.Quote(text.ToString())}");
            }
        }

        var session = request.Query["session"] is { Count: > 0 } id && !string.IsNullOrWhiteSpace(id) ? id.ToString() : null;
        var list = await notifier.ActorRef.Ask<NotificationList>(new ListNotifications(session, limit), settings.AskTimeout);
        return Results.Ok(list.Notifications.Select(n => new NotificationDto(
            n.Id, n.SessionId, Domain.Notifications.NotificationKinds.ToWire(n.Kind), n.Channel, n.State.ToWire(), n.Attempts, n.LastError, n.RaisedAt, n.DeliveredAt)).ToList());
    }

    private static async Task<IResult> Test(HttpRequest request, IRequiredActor<NotificationDispatcher> notifier, NodeSettings settings)
    {
        var (body, problem) = await SessionEndpoints.ReadBody<TestNotificationRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Channel))
        {
            return Problems.BadRequest($"channel is required; the channels are: {string.Join(", ", settings.Notifications.Channels.Keys)}");
        }

        if (!settings.Notifications.Channels.ContainsKey(body.Channel))
        {
            return Problems.UnknownChannel(
                $"channel {FieldText.Quote(body.Channel)} is not configured; the channels are: {string.Join(", ", settings.Notifications.Channels.Keys)}");
        }

        // Every attempt on the channel, with its backoff, before the answer.
        var retry = settings.Notifications.Retry;
        var patience = TimeSpan.FromTicks(settings.Notifications.Channels[body.Channel].Timeout.Ticks * retry.Attempts)
            + TimeSpan.FromTicks(retry.MaxBackoff.Ticks * (retry.Attempts - 1)) + settings.AskTimeout;
        var result = await notifier.ActorRef.Ask<TestNotificationResult>(new SendTestNotification(body.Channel), patience);
        return Results.Ok(new TestNotificationDto(result.Channel, result.Id, result.Delivered, result.Error));
    }
}
