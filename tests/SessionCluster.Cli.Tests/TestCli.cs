namespace SessionCluster.Cli.Tests;

/// <summary>The outcome of one in-process run of sessionctl.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs sessionctl in process with its own console and environment: nothing of the machine's environment
/// leaks in (the data dir is a fresh empty folder unless a test sets one), so no real token is read.
/// </summary>
public sealed class TestCli : IDisposable
{
    private readonly Dictionary<string, string?> environment = new();

    public TestCli(string? url = null)
    {
        DataDir = Directory.CreateTempSubdirectory("sessionctl-test-").FullName;
        environment["SESSIONCLUSTER_DATA_DIR"] = DataDir;
        if (url is not null)
        {
            environment["SESSIONCLUSTER_URL"] = url;
        }

        CurrentDirectory = DataDir;
    }

    public string DataDir { get; }

    public string CurrentDirectory { get; set; }

    public string Stdin { get; set; } = "";

    public TestCli With(string variable, string? value)
    {
        environment[variable] = value;
        return this;
    }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            In = () => new StringReader(Stdin),
            Environment = name => environment.GetValueOrDefault(name),
            CurrentDirectory = CurrentDirectory,
        };
        var exitCode = await SessionCtl.RunAsync(args, context);
        return new CliRun(exitCode, output.ToString().Replace("\r\n", "\n"), error.ToString().Replace("\r\n", "\n"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
