using Akka.Hosting;
using Serilog;
using Serilog.Formatting.Compact;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.EventLog;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;

if (!OperatingSystem.IsLinux())
{
    // Agents are stopped with POSIX signals, and the data directory's modes and lock are Linux's.
    Console.Error.WriteLine("sessioncluster-node: the node runs on Linux only");
    return 2;
}

// The node's agent reaper (started by the node itself, see ReaperProcess): before anything else, nothing else.
if (args is [AgentReaper.Verb])
{
    return await AgentReaper.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
}

var (commandLine, error) = NodeCommandLine.Parse(args);
if (commandLine is null)
{
    Console.Error.WriteLine($"sessioncluster-node: {error}");
    return error == NodeCommandLine.Usage ? 0 : 2;
}

NodeSettings settings;
DataDirectory dataDirectory;
SessionCluster.Actors.EventLog.IEventLogStore eventLogStore;
try
{
    settings = NodeConfig.Load(commandLine);
    // Read now; agent processes inherit this environment and must never see the key.
    Environment.SetEnvironmentVariable(EnvironmentOverrides.SecretsKeyVariable, null);
    // Before anything opens a file there: checked, locked for this node, holding its id.
    dataDirectory = DataDirectory.Prepare(settings.DataDir);
    settings = settings with { NodeId = dataDirectory.NodeId, EnvCipher = SecretsKey.Load(settings) };
    if (settings.Persistence.Provider == PersistenceProvider.Postgres)
    {
        eventLogStore = new PostgresEventLogStore(settings.Persistence.PostgresConnectionString!);
    }
    else
    {
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        eventLogStore = SqliteEventLogStore.Create(settings.JournalConnectionString);
    }
}
catch (Exception ex)
{
    Console.Error.WriteLine($"sessioncluster-node: {ex.Message}");
    return 2;
}

ApiToken apiToken;
try
{
    apiToken = ApiToken.LoadOrCreate(settings.ConfiguredApiToken, settings.DataDir);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"sessioncluster-node: cannot read or write the API token in {settings.DataDir}: {ex.Message}");
    return 2;
}

// The token in force, configured or generated, is hidden like any secret-named variable.
var redactor = apiToken.AddTo(SecretRedactor.ForEnvironment(
    Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
        .Select(e => new KeyValuePair<string, string>((string)e.Key, (string?)e.Value ?? string.Empty))));

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
    .Enrich.WithProperty("Node", settings.NodeName)
    .Enrich.WithProperty("NodeId", settings.NodeId)
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
    .WriteTo.File(
        new CompactJsonFormatter(),
        Path.Combine(dataDirectory.Logs, "node-.clef"),
        rollingInterval: RollingInterval.Day,
        retainedFileCountLimit: 14,
        hooks: new OwnerOnlyLogFiles())
    .CreateLogger();

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
    builder.Host.UseSerilog();
    builder.WebHost.UseUrls(settings.Urls);
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        var limits = settings.HttpLimits;
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(
            limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyRateGrace);
        kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
    });
    builder.Services.AddProblemDetails();
    builder.Services.AddExceptionHandler<ApiExceptionHandler>();

    // Written until the node stops: disposed after the actor system stopped the agents, so their last events are kept.
    var eventLogFeed = new SessionCluster.Actors.EventLog.EventLogFeed();
    await using var eventLog = new SessionCluster.Actors.EventLog.EventLogWriter(
        eventLogStore, settings.EventLog, ex => Log.Warning(ex, "Could not write the event log; the entries are counted as dropped"), eventLogFeed);
    builder.Services.AddSingleton<SessionCluster.Actors.EventLog.IEventLogStore>(eventLogStore);
    builder.Services.AddEventStream(eventLog, eventLogFeed, EventStreamSettings.For(settings.EventLog.FollowBuffer));
    var sweep = new NodeLostSweep(settings.NodeId, settings.NodeName, SessionCluster.Agents.AgentTree.KillLeftover, settings.AskTimeout);
    var drivers = AkkaWiring.Drivers(settings);
    builder.Services.AddSingleton(settings);
    builder.Services.AddSingleton(sweep);
    builder.Services.AddSingleton(new DatabaseProbe(settings.Persistence));
    builder.Services.AddSingleton(apiToken);
    builder.Services.AddSingleton(sp => new SessionGateway(
        sp.GetRequiredService<IRequiredActor<SessionRegion>>(),
        sp.GetRequiredService<IRequiredActor<SessionDirectory>>(),
        settings,
        drivers.Keys.ToList(),
        sp.GetRequiredService<DatabaseProbe>()));
    // Kills the node's agents if the node dies; closed (after the actor system stopped its agents) when the node stops.
    using var reaper = ReaperProcess.Start(ReaperCommand.ForThisProgram(), message => Log.Warning("{Reaper}", message));
    Akka.Actor.ActorSystem? actorSystem = null;
    builder.Services.AddAkka(AkkaWiring.SystemName, akka => akka
        .AddSessionCluster(settings, drivers, sweep, redactor, reaper, eventLog, erasePrunedSession: id =>
        {
            // What the node keeps of a session outside the journal: its event log and, for codex, its CODEX_HOME.
            eventLogStore.Delete(id);
            if (settings.Codex.HomesRoot is { } homes)
            {
                SessionCluster.Agents.CodexHome.Delete(homes, id);
            }
        })
        .WithActors((system, _) => actorSystem = system));

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseMiddleware<BearerTokenMiddleware>();
    app.UseMiddleware<StartupGateMiddleware>();
    app.UseMiddleware<DatabaseGateMiddleware>();
    app.MapHealthEndpoints();
    app.MapSessionEndpoints();
    app.MapEventLogEndpoints();
    app.MapEventStreamEndpoints();
    app.MapPruneEndpoints();
    app.MapNotificationEndpoints();
    app.MapClusterEndpoints();
    app.MapAgentEndpoints();

    Log.Information(
        "SessionCluster node {Node} (id {NodeId}) starting: HTTP {Urls}, Akka port {AkkaPort}, data {DataDir}, env key from {SecretsKeySource}",
        settings.NodeName, settings.NodeId, settings.Urls, settings.AkkaPort, settings.DataDir, SecretsKey.Source(settings));
    await app.RunAsync();

    // Stopped by a signal or the host, the actor system's reason is the host's; any other reason (downed, a failed
    // TLS handshake to a peer) is an unclean stop a supervisor must see.
    var reason = actorSystem is null ? null : Akka.Actor.CoordinatedShutdown.Get(actorSystem).ShutdownReason;
    if (reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason)
    {
        // Downed by another member, so the other member's log has the why; this says where to look.
        Log.Error(
            "The node stopped on its own: this node was downed by the cluster it joined (by the split brain resolver while it was " +
            "unreachable, by an operator, or by a node on SQLite, which downs any node that joins it: a cluster of several nodes " +
            "needs sessioncluster.persistence.provider = postgres on every node); the seed nodes' logs say which");
        return 1;
    }

    // Asked to leave (sessionctl cluster leave, a preStop hook): a clean stop, which a supervisor must not restart as a
    // failure (systemd's Restart=on-failure would bring it back into the cluster it just left).
    if (reason is Akka.Actor.CoordinatedShutdown.ClusterLeavingReason)
    {
        Log.Information("The node left the cluster, as asked, and stopped");
        return 0;
    }

    if (reason is not null and not Akka.Actor.CoordinatedShutdown.ClrExitReason)
    {
        Log.Error("The node stopped on its own: {Reason}", reason);
        return 1;
    }

    return 0;
}
catch (Exception ex)
{
    Log.Fatal(ex, "The node stopped on an error");
    Console.Error.WriteLine($"sessioncluster-node: {ex.Message}");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
    dataDirectory.Dispose();
}
