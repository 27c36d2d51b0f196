using Akka.Configuration;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Contracts;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Configuration;

/// <summary>Loads hocon/*.hocon, layers the --config files over them and reads the settings.</summary>
public static class NodeConfig
{
    private static readonly string[] DefaultFiles = ["base.hocon", "sqlite.hocon", "cluster.hocon", "discovery.hocon"];

    public static NodeSettings Load(NodeCommandLine commandLine)
    {
        var hoconDir = Path.Combine(AppContext.BaseDirectory, "hocon");
        // One document, defaults first: a later file's value wins, as HOCON merges duplicate keys.
        var config = Parse(
            DefaultFiles.Select(f => Path.Combine(hoconDir, f)).Concat(commandLine.ConfigFiles),
            EnvironmentOverrides.AsHocon(Environment.GetEnvironmentVariable));
        var s = config.GetConfig("sessioncluster");
        var dataDir = Path.GetFullPath(FirstNonEmpty(
            commandLine.DataDir,
            Environment.GetEnvironmentVariable(NodeDataDir.EnvironmentVariable),
            s.GetString("data-dir"),
            NodeDataDir.Default()));
        var sqliteFile = s.GetString("persistence.sqlite.file");
        var keyFile = NullIfEmpty(s.GetString("secrets.key-file"));
        var clusterTls = ClusterTls(s, dataDir);
        var hostname = commandLine.Hostname ?? s.GetString("cluster.hostname");
        var seeds = commandLine.Seeds.Count > 0 ? commandLine.Seeds.ToList() : s.GetStringList("cluster.seed-nodes").ToList();
        var akkaPort = commandLine.AkkaPort ?? s.GetInt("cluster.port");
        var persistence = Persistence(s, seeds, hostname, akkaPort);
        return new NodeSettings(
            config,
            FirstNonEmpty(s.GetString("node-name"), Environment.MachineName),
            dataDir,
            FirstNonEmpty(commandLine.Urls, Environment.GetEnvironmentVariable("ASPNETCORE_URLS"), Api.DefaultUrl),
            NullIfEmpty(s.GetString("http.api-token")),
            s.GetTimeSpan("http.ask-timeout"),
            hostname,
            akkaPort,
            seeds,
            Path.IsPathRooted(sqliteFile) ? sqliteFile : Path.Combine(dataDir, sqliteFile),
            s.GetTimeSpan("persistence.query-refresh-interval"),
            new SessionEntitySettings(
                s.GetInt("sessions.snapshot-every"),
                s.GetTimeSpan("sessions.passivate-finished-after"),
                s.GetTimeSpan("sessions.ask-agent-host-again-after"),
                s.HasPath("sessions.permission-timeout") ? s.GetTimeSpan("sessions.permission-timeout") : SessionEntitySettings.DefaultPermissionTimeout),
            s.GetInt("sessions.max-prompt-bytes"),
            s.GetInt("sessions.default-max-auto-responds"),
            s.GetTimeSpan("agents.interrupt-grace"),
            s.GetBoolean("agents.fail-fast-on-auth-error"),
            s.GetInt("agents.max-line-bytes"),
            new ClaudeDriverOptions(s.GetString("agents.claude.executable"), s.GetStringList("agents.claude.extra-args").ToList()))
        {
            Persistence = persistence,
            Discovery = DiscoverySettings.Parse(s, Environment.GetEnvironmentVariable, seeds, persistence.Provider),
            ConfiguredSecretsKey = NullIfEmpty(s.GetString("secrets.key")),
            SecretsKeyFile = keyFile is null ? Path.Combine(dataDir, SecretsKey.DefaultFileName) : Path.Combine(dataDir, keyFile),
            GenerateSecretsKeyFile = keyFile is null,
            ClusterTls = clusterTls,
            Codex = CodexOptions(s, dataDir),
            PermissionModes = PermissionModes(s),
            EnvPolicy = EnvPolicy.Create(s.GetStringList("sessions.env.deny").ToList(), s.GetStringList("sessions.env.allow").ToList()),
            EventLog = EventLogSettings(s),
            Retention = RetentionSettings(s),
            Notifications = NotificationConfig.Parse(s.HasPath("notifications") ? s.GetConfig("notifications") : null),
            MaxLiveSessions = AtLeastOne(s, "agents.max-live-sessions"),
            DrainTimeout = s.GetTimeSpan("cluster.drain-timeout"),
            HttpLimits = HttpLimits.Create(
                s.GetLong("http.max-request-body-bytes"),
                s.GetDouble("http.min-request-body-rate"),
                s.GetTimeSpan("http.min-request-body-rate-grace"),
                s.GetTimeSpan("http.request-headers-timeout")),
        };
    }

    /// <summary>A count of at least 1; read as text first, since HOCON's own int parse names neither the key nor the file.</summary>
    private static int AtLeastOne(Config s, string key)
    {
        var text = s.GetString(key);
        return !int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? throw new FormatException($"sessioncluster.{key} is \"{text}\"; it must be a whole number, at least 1")
            : value < 1 ? throw new FormatException($"sessioncluster.{key} is {value}; it must be at least 1")
            : value;
    }

    /// <summary>sessioncluster.event-log; a bound below 1, or a flush interval below 0 or over 1 s, is a config error.</summary>
    private static Actors.EventLog.EventLogSettings EventLogSettings(Config s)
    {
        var defaults = Actors.EventLog.EventLogSettings.Default;
        int AtLeastOne(string key, int fallback)
        {
            var value = s.HasPath(key) ? s.GetInt(key) : fallback;
            return value >= 1 ? value : throw new FormatException($"sessioncluster.{key} is {value}; it must be at least 1");
        }

        const string interval = "event-log.flush-interval";
        var flush = s.HasPath(interval) ? s.GetTimeSpan(interval) : defaults.FlushInterval;
        if (flush < TimeSpan.Zero || flush > TimeSpan.FromSeconds(1))
        {
            throw new FormatException($"sessioncluster.{interval} is {s.GetString(interval)}; it must be from 0ms to 1s");
        }

        return defaults with
        {
            MaxEventsPerSession = AtLeastOne("event-log.max-events-per-session", Actors.EventLog.EventLogSettings.DefaultMaxEventsPerSession),
            FlushInterval = flush,
            FollowBuffer = AtLeastOne("event-log.follow-buffer", Actors.EventLog.EventLogSettings.DefaultFollowBuffer),
        };
    }

    /// <summary>sessioncluster.retention; a negative age, count or interval is a config error.</summary>
    private static Actors.Retention.RetentionSettings RetentionSettings(Config s)
    {
        var maxAge = s.GetTimeSpan("retention.max-age");
        var maxFinished = s.GetInt("retention.max-finished-sessions");
        var interval = s.GetTimeSpan("retention.interval");
        return maxAge < TimeSpan.Zero ? throw new FormatException($"sessioncluster.retention.max-age is {maxAge}; it must not be negative")
            : maxFinished < 0 ? throw new FormatException($"sessioncluster.retention.max-finished-sessions is {maxFinished}; it must not be negative")
            : interval < TimeSpan.Zero ? throw new FormatException($"sessioncluster.retention.interval is {interval}; it must not be negative (0 turns the background run off)")
            : new Actors.Retention.RetentionSettings(new Domain.RetentionPolicy(maxAge, maxFinished), interval);
    }

    /// <summary>
    /// sessioncluster.persistence: the provider and, for postgres, its connection string. SQLite is one file on one
    /// machine: a node configured to join other nodes on it would keep a journal of its own beside theirs, so that is
    /// refused here, before anything starts (and a node that joins it later is downed, by SingleNodeGuard).
    /// </summary>
    private static PersistenceSettings Persistence(Config s, IReadOnlyList<string> seeds, string hostname, int port)
    {
        var provider = s.GetString("persistence.provider");
        var connectionString = NullIfEmpty(s.GetString("persistence.postgres.connection-string"));
        switch (provider)
        {
            case "sqlite":
                var others = seeds.Where(seed => !IsSelf(seed, hostname, port)).ToList();
                var refuse = s.GetBoolean("persistence.sqlite.refuse-other-nodes");
                return others.Count == 0 || !refuse
                    ? new PersistenceSettings(PersistenceProvider.Sqlite, null) { RefusesOtherNodes = refuse }
                    : throw new FormatException(
                        $"this node is configured to join other nodes ({string.Join(", ", others)}) but its journal is SQLite, " +
                        "which one node alone can use; set sessioncluster.persistence.provider = postgres and " +
                        "sessioncluster.persistence.postgres.connection-string (env SESSIONCLUSTER_PERSISTENCE_PROVIDER, SESSIONCLUSTER_POSTGRES_CONNECTION_STRING) on every node");
            case "postgres":
                return connectionString is not null
                    ? new PersistenceSettings(PersistenceProvider.Postgres, connectionString)
                    : throw new FormatException(
                        "sessioncluster.persistence.provider is postgres but sessioncluster.persistence.postgres.connection-string is empty; " +
                        "set it (or SESSIONCLUSTER_POSTGRES_CONNECTION_STRING)");
            default:
                throw new FormatException($"sessioncluster.persistence.provider is \"{provider}\"; it must be sqlite or postgres");
        }
    }

    private static bool IsSelf(string seed, string hostname, int port) =>
        Akka.Actor.Address.TryParse(seed, out var address) && address.Port == port
        && string.Equals(address.Host, hostname, StringComparison.OrdinalIgnoreCase);

    /// <summary>sessioncluster.agents.codex; an empty seed-home is the node's own $CODEX_HOME, else ~/.codex.</summary>
    private static CodexDriverOptions CodexOptions(Config s, string dataDir)
    {
        var seed = NullIfEmpty(s.GetString("agents.codex.seed-home"))
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("CODEX_HOME"))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".codex");
        return new CodexDriverOptions(s.GetString("agents.codex.executable"), Path.Combine(dataDir, "codex-homes"), Path.GetFullPath(seed));
    }

    /// <summary>
    /// sessioncluster.cluster.tls; a relative certificate path is in the data dir. The certificate is opened here
    /// (and nothing written), so a missing, unreadable or wrongly protected one is a config error: exit 2, one line.
    /// </summary>
    private static ClusterTlsSettings ClusterTls(Config s, string dataDir)
    {
        var file = NullIfEmpty(s.GetString("cluster.tls.certificate"));
        var tls = new ClusterTlsSettings(
            file is null ? null : Path.GetFullPath(file, dataDir),
            NullIfEmpty(s.GetString("cluster.tls.password")));
        ClusterCertificate.Check(tls, dataDir);
        return tls;
    }

    /// <summary>Every sessioncluster.agents.&lt;agent&gt;.permission-mode; an unknown mode is a config error.</summary>
    private static Dictionary<string, Domain.PermissionMode> PermissionModes(Config s)
    {
        var modes = new Dictionary<string, Domain.PermissionMode>(StringComparer.Ordinal);
        if (!s.HasPath("agents"))
        {
            return modes;
        }

        foreach (var (agent, value) in s.GetConfig("agents").Root.GetObject().Items)
        {
            var key = $"agents.{agent}.permission-mode";
            if (!value.IsObject() || !s.HasPath(key))
            {
                continue;
            }

            var text = s.GetString(key);
            modes[agent] = Domain.WireNames.TryParsePermissionMode(text, out var mode)
                ? mode
                : throw new FormatException(
                    $"sessioncluster.{key} is \"{text}\"; it must be one of {string.Join(", ", Domain.WireNames.AllPermissionModes)}");
        }

        return modes;
    }

    private static Config Parse(IEnumerable<string> files, string overrides)
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in files)
        {
            var content = File.ReadAllText(file);
            try
            {
                if (HoconBalance.Problem(content) is { } problem)
                {
                    throw new FormatException(problem);
                }

                // Checked with what came before it, so a file may refer to a default key.
                ConfigurationFactory.ParseString(HoconEnvironment.Substitute(text + content, Environment.GetEnvironmentVariable));
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"config file {file} is not valid HOCON: {ex.Message}", ex);
            }

            text.AppendLine(content);
        }

        return ConfigurationFactory.ParseString(HoconEnvironment.Substitute(text.AppendLine(overrides).ToString(), Environment.GetEnvironmentVariable));
    }

    private static string FirstNonEmpty(params string?[] values) => values.First(v => !string.IsNullOrWhiteSpace(v))!;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
