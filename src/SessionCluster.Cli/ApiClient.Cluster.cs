using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>Cluster management: members, leave and down, where sharding put shards and sessions, and the agent hosts.</summary>
public sealed partial class ApiClient
{
    public Task<ApiResponse<ClusterDto>> ClusterAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.Cluster, null, null, static () => WireJson.Default.ClusterDto, ct);

    /// <summary>Asks <paramref name="address"/> to leave; null: the node sessionctl talks to.</summary>
    public Task<ApiResponse<ClusterActionDto>> ClusterLeaveAsync(string? address, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.ClusterLeave, RequestJson.ClusterAddress(new ClusterAddressRequest { Address = address }), null,
            static () => WireJson.Default.ClusterActionDto, ct);

    public Task<ApiResponse<ClusterActionDto>> ClusterDownAsync(string address, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.ClusterDown, RequestJson.ClusterAddress(new ClusterAddressRequest { Address = address }), null,
            static () => WireJson.Default.ClusterActionDto, ct);

    public Task<ApiResponse<ClusterActionDto>> ClusterDownUnreachableAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.ClusterDownUnreachable, null, null, static () => WireJson.Default.ClusterActionDto, ct);

    public Task<ApiResponse<List<ShardRegionDto>>> ShardRegionsAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.ShardRegions, null, null, static () => WireJson.Default.ListShardRegionDto, ct);

    public Task<ApiResponse<RegionStatsDto>> ShardRegionStatsAsync(string region, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"{Api.ShardRegionStats}?region={Uri.EscapeDataString(region)}", null, null,
            static () => WireJson.Default.RegionStatsDto, ct);

    public Task<ApiResponse<AgentHostsDto>> AgentsAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.Agents, null, null, static () => WireJson.Default.AgentHostsDto, ct);

    public Task<ApiResponse<ShardEntityDto>> ShardEntityAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.ShardEntity(id), null, null, static () => WireJson.Default.ShardEntityDto, ct);
}
