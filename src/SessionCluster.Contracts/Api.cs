using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionCluster.Contracts;

/// <summary>Routes, defaults and JSON settings both ends of the HTTP API agree on.</summary>
public static class Api
{
    public const string DefaultUrl = "http://127.0.0.1:5480";
    public const string TokenFileName = "api-token";
    public const string Sessions = "/api/sessions";

    /// <summary>Makes a launch or resume safe to retry: the same key answers with the same session.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static string Session(string id) => $"{Sessions}/{Uri.EscapeDataString(id)}";

    public static string SessionVerb(string id, string verb) => $"{Session(id)}/{verb}";

    /// <summary>A session's event log (GET, with type, since and tail).</summary>
    public static string SessionEvents(string id) => SessionVerb(id, "events");

    /// <summary>A session's event log followed live as server-sent events (GET, with type, since and tail; Last-Event-ID resumes).</summary>
    public static string SessionEventStream(string id) => SessionVerb(id, "events/stream");

    /// <summary>The stream's last event when the session reached a final status; its data is an <see cref="EventStreamEndDto"/>.</summary>
    public const string StreamEnd = "end";

    /// <summary>The stream's last event when this client fell behind (or the node stops); its data is an <see cref="EventStreamDroppedDto"/>.</summary>
    public const string StreamDropped = "dropped";
    /// <summary>Each notification channel's health (GET).</summary>
    public const string NotificationChannels = "/api/notifications/channels";

    /// <summary>Notifications and their delivery state, newest first (GET, with session and limit).</summary>
    public const string Notifications = "/api/notifications";

    /// <summary>Send a test notification to a channel (POST, <see cref="TestNotificationRequest"/>).</summary>
    public const string NotificationTest = "/api/notifications/test";

    public const int DefaultNotifications = 50;

    public const int MaxNotifications = 1000;

    /// <summary>Remove finished sessions now (POST, <see cref="PruneRequest"/>).</summary>
    public const string Prune = "/api/sessions/prune";

    /// <summary>Search across every session's event log (GET, with q, type, agent and limit).</summary>
    public const string EventSearch = "/api/events/search";

    /// <summary>The most hits a search answers with, and how many when it does not say.</summary>
    public const int MaxSearchHits = 1000;

    public const int DefaultSearchHits = 50;

    /// <summary>Most event log entries one GET answers with; the next page starts with since = the last seq it gave.</summary>
    public const int MaxEventsPerPage = 1000;

    /// <summary>The cluster's members, leader and this node's own address (GET, <see cref="ClusterDto"/>).</summary>
    public const string Cluster = "/api/cluster";

    /// <summary>Ask a member to leave the cluster gracefully (POST, <see cref="ClusterAddressRequest"/>; no address: this node).</summary>
    public const string ClusterLeave = "/api/cluster/leave";

    /// <summary>Mark a member down (POST, <see cref="ClusterAddressRequest"/>).</summary>
    public const string ClusterDown = "/api/cluster/down";

    /// <summary>Mark every unreachable member down (POST, no body).</summary>
    public const string ClusterDownUnreachable = "/api/cluster/down-unreachable";

    /// <summary>Member events followed live as server-sent events (GET, <see cref="ClusterMemberEventDto"/>): the members first, then each change.</summary>
    public const string ClusterEvents = "/api/cluster/events";

    /// <summary>The shard regions this node runs (GET, a list of <see cref="ShardRegionDto"/>).</summary>
    public const string ShardRegions = "/api/cluster/sharding/regions";

    /// <summary>Shards and entities per node of one region (GET, with region; <see cref="RegionStatsDto"/>).</summary>
    public const string ShardRegionStats = "/api/cluster/sharding/region-stats";

    /// <summary>Where a session's entity lives (GET, <see cref="ShardEntities"/>/{id}, <see cref="ShardEntityDto"/>).</summary>
    public const string ShardEntities = "/api/cluster/sharding/entity";

    /// <summary>Every agent host of the cluster: its agents and their versions, capacity, live sessions (GET, <see cref="AgentHostsDto"/>).</summary>
    public const string Agents = "/api/agents";

    public static string ShardEntity(string id) => $"{ShardEntities}/{Uri.EscapeDataString(id)}";

    /// <summary>The permission modes a launch may name, as the wire spells them.</summary>
    public static readonly IReadOnlyList<string> PermissionModes = ["ask", "accept-edits", "bypass", "plan"];

    /// <summary>The decisions a permission answer may give.</summary>
    public const string Allow = "allow";

    public const string Deny = "deny";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };
}
