using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using LinqToDB;
using SessionCluster.Actors;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Membership;
using SessionCluster.Actors.EventLog;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Retention;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Hosting;

/// <summary>Everything the node's actor system needs, in one place: cluster, journal, sharding, agents.</summary>
public static class AkkaWiring
{
    public const string SystemName = "sessioncluster";

    /// <summary>How long each agent host has to answer a placement's describe or reservation.</summary>
    private static readonly TimeSpan PlacementAskTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The agents this node runs, by name: the one list both the AgentHost and launch validation read.</summary>
    public static IReadOnlyDictionary<string, IAgentDriver> Drivers(NodeSettings settings) =>
        new Dictionary<string, IAgentDriver>
        {
            ["claude"] = new ClaudeDriver(settings.Claude),
            ["codex"] = new CodexDriver(settings.Codex),
        };

    /// <summary>The plugin's connections to the journal's file, each waiting for SQLite's write lock in SQLite itself (<see cref="SqliteBusyWait"/>).</summary>
    private static DataOptions? JournalConnections(NodeSettings settings) => IsPostgres(settings)
        ? null
        : new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, settings.JournalConnectionString)
            .UseAfterConnectionOpened(SqliteBusyWait.Apply);

    private static bool IsPostgres(NodeSettings settings) => settings.Persistence.Provider == PersistenceProvider.Postgres;

    private static string JournalProvider(NodeSettings settings) => IsPostgres(settings) ? ProviderName.PostgreSQL15 : ProviderName.SQLiteMS;

    private static string JournalConnectionString(NodeSettings settings) =>
        IsPostgres(settings) ? settings.Persistence.PostgresConnectionString! : settings.JournalConnectionString;

    /// <summary>
    /// What the directory and the notifier read the journal with and keep their state in: the journal's own SQLite
    /// file, or its PostgreSQL database (the directory's projection per node, as every node runs a directory; the
    /// notifier's offset once for the cluster, whose one notifier is a singleton).
    /// </summary>
    private static (JournalTagQuery Journal, IDirectoryProjectionStore Projection, INotificationStore Notifications) ReadSide(
        NodeSettings settings, ActorSystem system)
    {
        if (IsPostgres(settings))
        {
            var connectionString = settings.Persistence.PostgresConnectionString!;
            var events = new PostgresTaggedEvents(connectionString, system.Serialization, pollInterval: settings.QueryRefreshInterval);
            return (new JournalTagQuery(events, events),
                new PostgresDirectoryProjectionStore(connectionString, system.Serialization, settings.NodeId),
                new PostgresNotificationStore(connectionString, PostgresNotificationStore.ClusterWide));
        }

        var sqlite = new SqliteTaggedEvents(settings.JournalConnectionString, system.Serialization, pollInterval: settings.QueryRefreshInterval, wakeOnWrite: true);
        return (new JournalTagQuery(sqlite, sqlite),
            new SqliteDirectoryProjectionStore(settings.JournalConnectionString, system.Serialization),
            new SqliteNotificationStore(settings.JournalConnectionString));
    }

    /// <summary>The journal's events by tag, read to its end and followed live.</summary>
    private sealed record JournalTagQuery(Akka.Persistence.Query.IEventsByTagQuery Live, Akka.Persistence.Query.ICurrentEventsByTagQuery Current);

    public static AkkaConfigurationBuilder AddSessionCluster(
        this AkkaConfigurationBuilder builder,
        NodeSettings settings,
        IReadOnlyDictionary<string, IAgentDriver> drivers,
        NodeLostSweep sweep,
        SecretRedactor redactor,
        IAgentTreeRegistry trees,
        IEventLogSink? eventLog = null,
        Action<string>? erasePrunedSession = null)
    {
        var runOptions = new AgentRunOptions(settings.InterruptGrace, settings.FailFastOnAuthError, settings.MaxLineBytes, redactor) { Trees = trees };

        // One read side per node, shared by the directory and (on the node that holds it) the notifier singleton.
        (JournalTagQuery Journal, IDirectoryProjectionStore Projection, INotificationStore Notifications)? readSide = null;
        (JournalTagQuery Journal, IDirectoryProjectionStore Projection, INotificationStore Notifications) ReadSideOf(ActorSystem system)
        {
            // Start the journal first, so its tables exist from the first start on (the directory and the notifier read
            // them directly; the plugin's read journal, which used to start the journal early, is never started).
            Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
            return readSide ??= ReadSide(settings, system);
        }

        return builder
            .AddHocon(settings.Hocon, HoconAddMode.Prepend)
            .WithCustomSerializer(
                SessionEventSerializer.SerializerName,
                SessionEventSerializer.BoundTypes,
                system => new SessionEventSerializer(system, settings.EnvCipher ?? throw new InvalidOperationException("the env key is loaded before the actor system starts")))
            .WithCustomSerializer(
                SessionMessageSerializer.SerializerName,
                SessionMessageSerializer.BoundTypes,
                system => new SessionMessageSerializer(system))
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<SerilogLogger>();
            })
            .WithClusterRemoting(settings.AkkaHostname, settings.AkkaPort, ClusterCertificate.LoadOrCreate(settings.ClusterTls, settings.DataDir))
            .WithClustering(new ClusterOptions { SeedNodes = settings.SeedNodes.ToArray(), Roles = NodeRoles.For(settings.NodeId).ToArray() })
            .WithSessionClusterDiscovery(settings)
            .WithSqlPersistence(
                new SqlJournalOptions(isDefaultPlugin: true, identifier: "sql")
                {
                    ConnectionString = JournalConnectionString(settings),
                    ProviderName = JournalProvider(settings),
                    DataOptions = JournalConnections(settings),
                    AutoInitialize = true,
                    QueryRefreshInterval = settings.QueryRefreshInterval,
                },
                new SqlSnapshotOptions(isDefaultPlugin: true, identifier: "sql")
                {
                    ConnectionString = JournalConnectionString(settings),
                    ProviderName = JournalProvider(settings),
                    DataOptions = JournalConnections(settings),
                    AutoInitialize = true,
                })
            .WithShardRegion<SessionRegion>(
                SessionRegion.TypeName,
                (system, registry, _) =>
                {
                    var sessions = settings.Sessions with { NotificationKinds = settings.Notifications.Kinds };
                    // The notifier's proxy is registered with the node's actors, before the first session can be asked for.
                    return sessionId => SessionEntity.Sharded(
                        sessionId,
                        AgentHosts.InCluster(system, settings.NodeId, registry.Get<AgentHost>(), registry.Get<AgentPlacement>()),
                        registry.Get<SessionRegion>(),
                        sessions,
                        system,
                        registry.TryGet<NotificationDispatcher>(out var notifier) ? notifier : null);
                },
                new SessionMessageExtractor(),
                new ShardOptions
                {
                    // The coordinator's state is gossiped (DData); which sessions are alive in which shard is journaled
                    // (remember entities, in the SQL journal beside the sessions' own events): when a shard moves, or
                    // its node is lost, its live sessions start again on their new node at once, not at their next
                    // message. A finished session passivates, and is forgotten.
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = true,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    // The entity passivates itself once finished; a live session waiting for input stays.
                    ShouldPassivateIdleEntities = false,
                })
            // One notifier for the cluster, on its oldest node: each notification is delivered once, not once per node.
            // The manager at /user/notifier keeps it on the oldest member and hands it over when that member leaves or
            // is downed; the next one resumes from the offset the store says is settled (docs/NOTIFICATIONS.md). Every
            // node registers the proxy (/user/notifier-proxy) as the notifier: entities, the HTTP routes and retention
            // tell it, and it buffers while the singleton moves.
            .WithSingleton<NotificationDispatcher>(
                NotificationDispatcher.Name,
                (system, registry, _) =>
                {
                    var region = registry.Get<SessionRegion>();
                    var (journal, _, notifications) = ReadSideOf(system);
                    return NotificationDispatcher.Props(
                        settings.Notifications,
                        notifications,
                        journal.Live,
                        async sessionId => await region.Ask<SessionReply>(new GetSession(sessionId), settings.AskTimeout)
                            is SessionAccepted { State.Status: SessionStatus.WaitingForInput },
                        (name, channel) => ChannelSupervision.Props(
                            name, log => ChannelFactory.Create(name, channel, settings.DataDir, log), channel.Timeout),
                        settings.NodeName);
                },
                new ClusterSingletonOptions(),
                createProxyToo: true)
            .WithActors((system, registry) =>
            {
                var region = registry.Get<SessionRegion>();
                var notifier = registry.Get<NotificationDispatcher>();
                var facts = system.ActorOf(
                    SessionFactProducer.Props($"agent-host-{settings.NodeId}-{Cluster.Get(system).SelfUniqueAddress.Uid}", region),
                    SessionFactProducer.Name);
                var host = system.ActorOf(
                    AgentHost.Props(region, facts, new AgentHostSettings(settings.NodeName, settings.NodeId, drivers, runOptions, AgentTree.KillLeftover)
                    {
                        EventLog = eventLog,
                        MaxLiveSessions = settings.MaxLiveSessions,
                    }),
                    AgentHost.Name);
                registry.Register<AgentHost>(host);
                registry.Register<AgentPlacement>(system.ActorOf(AgentPlacement.Props(PlacementAskTimeout), AgentPlacement.Name));
                var cluster = Cluster.Get(system);
                system.ActorOf(
                    GracefulLeave.Props(host, settings.DrainTimeout, TimeSpan.FromSeconds(1), () => cluster.Leave(cluster.SelfAddress)),
                    GracefulLeave.Name);

                // Before sharding stops: each live session is recorded as interrupted ("node stopped"), then its agent ends.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "stop-agents", async () =>
                {
                    await host.Ask<AgentsStopped>(new StopAllAgents(StopAllAgents.NodeStopped), settings.InterruptGrace + TimeSpan.FromSeconds(5));
                    return Akka.Done.Instance;
                });

                // The directory starts from its projection saved in the journal's file, catches up on the events after
                // it straight from the journal's tables, then follows them live the same way, woken by writes to the
                // file (at most one look per refresh interval; one every 5 s while nothing is written). The plugin's read
                // journal is never started: its tag query scans the tag table for every event it returns, and its live query costs a stream, a linq2db query build and a journal-sequence
                // actor's polls every second even when nothing changed (docs/BENCHMARKS.md, section 9).
                var (journal, projection, _) = ReadSideOf(system);
                var directory = system.ActorOf(
                    SessionDirectory.Props(
                        journal.Live,
                        journal.Current,
                        sessions =>
                        {
                            sweep.Run(sessions, region);
                            ResumeLaunchWake.Run(sessions, region);
                        },
                        projection,
                        SessionDirectory.DefaultSaveEvery),
                    SessionDirectory.Name);
                registry.Register<SessionDirectory>(directory);
                registry.Register<SessionRetention>(system.ActorOf(
                    SessionRetention.Props(
                        directory,
                        region,
                        settings.Retention,
                        id =>
                        {
                            erasePrunedSession?.Invoke(id);
                            notifier.Tell(new ForgetNotifications([id]));
                        },
                        settings.AskTimeout),
                    SessionRetention.Name));

                system.ActorOf(NodeLossWatcher.Props(directory, region, settings.NodeId, settings.AskTimeout), NodeLossWatcher.Name);

                // A node on SQLite is a cluster of one: any node that joins it anyway (naming it its seed) is downed.
                if (settings.Persistence.RefusesOtherNodes)
                {
                    system.ActorOf(SingleNodeGuard.Props(cluster), SingleNodeGuard.Name);
                }

                // A node with no seed nodes forms a cluster of its own (also when --akka-port 0 picked the port);
                // with Kubernetes discovery, cluster bootstrap decides whom it joins.
                if (settings.SeedNodes.Count == 0 && !settings.Discovery.IsKubernetes)
                {
                    cluster.Join(cluster.SelfAddress);
                }
            });
    }
}
