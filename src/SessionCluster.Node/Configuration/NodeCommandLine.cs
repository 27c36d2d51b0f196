namespace SessionCluster.Node.Configuration;

/// <summary>The node's own command-line options; everything else is refused rather than silently ignored.</summary>
public sealed record NodeCommandLine(string? DataDir, IReadOnlyList<string> ConfigFiles, int? AkkaPort, string? Urls)
{
    public const string Usage =
        "usage: SessionCluster.Node [--data-dir <dir>] [--urls <url>] [--akka-port <port>] [--config <file.hocon>]...";

    /// <summary>Parses the arguments, or returns the one-line reason they are wrong.</summary>
    public static (NodeCommandLine? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? dataDir = null, urls = null;
        int? akkaPort = null;
        var configFiles = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            if (name is "--help" or "-h")
            {
                return (null, Usage);
            }

            if (name is not ("--data-dir" or "--config" or "--akka-port" or "--urls"))
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

        return (new NodeCommandLine(dataDir, configFiles, akkaPort, urls), null);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=');
        return equals > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
