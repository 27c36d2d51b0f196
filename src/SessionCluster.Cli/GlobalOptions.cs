using System.CommandLine;

namespace SessionCluster.Cli;

/// <summary>Options every verb takes: where the node is, how to authenticate, and whether to print JSON.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Base URL of the node's HTTP API [env: {TokenSource.UrlVariable}; default: {Contracts.Api.DefaultUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token [env: {TokenSource.TokenVariable}; default: the token file in the node's data dir]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = $"Data dir of a local node, to read its api-token file from [env: {Contracts.NodeDataDir.EnvironmentVariable}]",
        HelpName = "dir",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the API's JSON (indented) instead of tables",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(Token);
        root.Options.Add(DataDir);
        root.Options.Add(Json);
    }
}
