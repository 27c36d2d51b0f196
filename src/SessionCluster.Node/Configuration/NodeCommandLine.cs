namespace SessionCluster.Node.Configuration;

/// <summary>The node's own command-line options; everything else is refused rather than silently ignored.</summary>
public sealed record NodeCommandLine(string? DataDir, IReadOnlyList<string> ConfigFiles, int? AkkaPort, string? Urls)
{
    public const string Usage =
        "usage: SessionCluster.Node [--data-dir <dir>] [--urls <url>] [--akka-port <port>] [--hostname <host>] [--seed <akka address>]... [--config <file.hocon>]...";

    /// <summary>--seed: the seed nodes to join (repeatable), instead of sessioncluster.cluster.seed-nodes.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>--hostname: the host other nodes reach this one at, instead of sessioncluster.cluster.hostname.</summary>
    public string? Hostname { get; init; }

    /// <summary>Parses the arguments, or returns the one-line reason they are wrong.</summary>
    public static (NodeCommandLine? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? dataDir = null, urls = null, hostname = null;
        int? akkaPort = null;
        var configFiles = new List<string>();
        var seeds = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            if (name is "--help" or "-h")
            {
                return (null, Usage);
            }

            if (name is not ("--data-dir" or "--config" or "--akka-port" or "--urls" or "--seed" or "--hostname"))
            {
                return (null, $"unknown option '{args[i]}'; {Usage}");
            }

            // The next option is never a value: "--data-dir --akka-port 5" is a missing value, not a folder.
            var value = inlineValue ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
            if (string.IsNullOrWhiteSpace(value))
            {
                return (null, $"option {name} needs a value");
            }

            switch (name)
            {
                case "--data-dir":
                    dataDir = value;
                    break;
                case "--urls":
                    urls = value;
                    break;
                case "--hostname":
                    hostname = value;
                    break;
                case "--seed":
                    if (!Akka.Actor.Address.TryParse(value, out var seed) || seed.Host is null || seed.Port is null)
                    {
                        return (null, $"--seed must be an Akka address such as akka.ssl.tcp://sessioncluster@10.0.0.5:4053, not '{value}'");
                    }

                    seeds.Add(value);
                    break;
                case "--config":
                    if (!File.Exists(value))
                    {
                        return (null, $"config file '{value}' does not exist");
                    }

                    configFiles.Add(Path.GetFullPath(value));
                    break;
                case "--akka-port":
                    if (!int.TryParse(value, out var port) || port is < 0 or > 65535)
                    {
                        return (null, $"--akka-port must be a port number from 0 to 65535, not '{value}'");
                    }

                    akkaPort = port;
                    break;
            }
        }

        return (new NodeCommandLine(dataDir, configFiles, akkaPort, urls) { Seeds = seeds, Hostname = hostname }, null);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=');
        return equals > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
