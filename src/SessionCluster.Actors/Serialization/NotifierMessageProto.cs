using System.Runtime.Serialization;
using Google.Protobuf;
using SessionCluster.Actors.Notifications;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Serialization.WireValues;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// The notifier's messages to and from their protobuf form (<c>notifier_messages.proto</c>), for
/// <see cref="SessionMessageSerializer"/>. <see cref="NotificationPersisted"/> is not here: its notification is encoded
/// by the event serializer, which the message serializer holds.
/// </summary>
internal static class NotifierMessageProto
{
    public static IMessage ToProto(ChannelHealthReport m)
    {
        var p = new P.ChannelHealthReport();
        foreach (var c in m.Channels)
        {
            var h = new P.ChannelHealth
            {
                Name = c.Name,
                Type = c.Type,
                IsSystem = c.IsSystem,
                IsDefault = c.IsDefault,
                LastSuccess = c.LastSuccess is { } success ? Time(success) : null,
                LastFailure = c.LastFailure is { } failure ? Time(failure) : null,
                Pending = c.Pending,
                Delivered = c.Delivered,
                Failed = c.Failed,
            };
            if (c.LastError is not null)
            {
                h.LastError = c.LastError;
            }

            p.Channels.Add(h);
        }

        return p;
    }

    public static ChannelHealthReport FromProto(P.ChannelHealthReport p) => new([.. p.Channels.Select(h => new ChannelHealth(
        h.Name,
        h.Type,
        h.IsSystem,
        h.IsDefault,
        h.LastSuccess is null ? null : Time(h.LastSuccess, "ChannelHealth.last_success"),
        h.LastFailure is null ? null : Time(h.LastFailure, "ChannelHealth.last_failure"),
        h.HasLastError ? h.LastError : null,
        h.Pending,
        h.Delivered,
        h.Failed))]);

    public static IMessage ToProto(ListNotifications m)
    {
        var p = new P.ListNotifications { Limit = m.Limit };
        if (m.SessionId is not null)
        {
            p.SessionId = m.SessionId;
        }

        return p;
    }

    public static ListNotifications FromProto(P.ListNotifications p) => new(p.HasSessionId ? p.SessionId : null, p.Limit);

    public static IMessage ToProto(NotificationList m)
    {
        var p = new P.NotificationList();
        foreach (var r in m.Notifications)
        {
            var record = new P.NotificationRecord
            {
                Id = r.Id,
                SessionId = r.SessionId,
                Kind = r.Kind.ToWire(),
                Channel = r.Channel,
                State = r.State.ToWire(),
                Attempts = r.Attempts,
                RaisedAt = Time(r.RaisedAt),
                DeliveredAt = r.DeliveredAt is { } at ? Time(at) : null,
            };
            if (r.LastError is not null)
            {
                record.LastError = r.LastError;
            }

            p.Notifications.Add(record);
        }

        return p;
    }

    public static NotificationList FromProto(P.NotificationList p) => new([.. p.Notifications.Select(r => new NotificationRecord(
        r.Id,
        r.SessionId,
        NotificationKinds.FromWire(r.Kind) ?? throw new SerializationException($"NotificationRecord.kind: unknown notification kind '{r.Kind}'."),
        r.Channel,
        DeliveryStates.FromWire(r.State) ?? throw new SerializationException($"NotificationRecord.state: unknown delivery state '{r.State}'."),
        r.Attempts,
        r.HasLastError ? r.LastError : null,
        Time(r.RaisedAt, "NotificationRecord.raised_at"),
        r.DeliveredAt is null ? null : Time(r.DeliveredAt, "NotificationRecord.delivered_at")))]);

    public static IMessage ToProto(TestNotificationResult m)
    {
        var p = new P.TestNotificationResult { Channel = m.Channel, Id = m.Id, Delivered = m.Delivered };
        if (m.Error is not null)
        {
            p.Error = m.Error;
        }

        return p;
    }

    public static TestNotificationResult FromProto(P.TestNotificationResult p) => new(p.Channel, p.Id, p.Delivered, p.HasError ? p.Error : null);

    public static IMessage ToProto(ForgetNotifications m) => new P.ForgetNotifications { SessionIds = { m.SessionIds } };

    public static ForgetNotifications FromProto(P.ForgetNotifications p) => new([.. p.SessionIds]);
}
