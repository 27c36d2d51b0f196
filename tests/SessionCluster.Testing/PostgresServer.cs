using System.Diagnostics;

namespace SessionCluster.Testing;

/// <summary>
/// A real PostgreSQL 15 server of the test's own: a new cluster (initdb) in a temp directory, listening on a free
/// loopback port, stopped and deleted with the fixture. PostgreSQL refuses to run as root, so under root the server
/// runs as the <c>postgres</c> user (Debian's package creates it). Trust authentication on loopback only.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private readonly string directory;
    private readonly bool asServiceUser;

    private PostgresServer(string directory, int port, bool asServiceUser)
    {
        this.directory = directory;
        Port = port;
        this.asServiceUser = asServiceUser;
    }

    public int Port { get; }

    /// <summary>The server's log, for a failing test's message.</summary>
    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private string DataDir => Path.Combine(directory, "data");

    private string LogFile => Path.Combine(directory, "postgres.log");

    /// <summary>An Npgsql connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=15;Command Timeout=30";

    public static async Task<PostgresServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sessioncluster-pg-").FullName;
        var asServiceUser = Environment.UserName == "root";
        if (asServiceUser)
        {
            await RunAsync("chown", [ServiceUser, directory], asUser: false);
        }

        var server = new PostgresServer(directory, FreePort.Next(), asServiceUser);
        await server.PgAsync("initdb", "-D", server.DataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A new, empty database, so each test (or node cluster) has its own.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t" + Guid.NewGuid().ToString("N")[..12];
        await PgAsync("createdb", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", name);
        return name;
    }

    /// <summary>One query's result as psql prints it unaligned (<c>-tA</c>: rows by line, columns by <c>|</c>), trimmed.</summary>
    public async Task<string> QueryAsync(string database, string sql) =>
        (await RunAsync("psql", ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql], asServiceUser)).Trim();

    /// <summary>Stops the server at once (as a crash would), then starts it again on the same data and port.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "stop");

    /// <summary>
    /// Stops the server as an operator would (<c>pg_ctl stop -m fast</c>: open connections are cut, open transactions
    /// rolled back, everything committed kept); <see cref="StartAgainAsync"/> brings it back on the same data and port.
    /// </summary>
    public Task StopFastAsync() => PgAsync("pg_ctl", "-D", DataDir, "-m", "fast", "-w", "-t", "60", "stop");

    /// <remarks>fsync off: a stopped server (not a stopped machine) keeps every commit, since its WAL is in the OS's cache.</remarks>
    public Task StartAgainAsync() => PgAsync("pg_ctl", "-D", DataDir, "-l", LogFile, "-w", "-t", "60",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={directory} -c fsync=off -c full_page_writes=off", "start");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task PgAsync(string program, params string[] args) => RunAsync(program, args, asServiceUser);

    private static async Task<string> RunAsync(string program, string[] args, bool asUser)
    {
        var info = new ProcessStartInfo(asUser ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser)
        {
            foreach (var arg in new[] { "-u", ServiceUser, "--", program })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }
}
