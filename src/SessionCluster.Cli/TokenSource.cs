using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>The node sessionctl talks to, and the bearer token it shows, with where that token came from.</summary>
public sealed record NodeEndpoint(Uri BaseUrl, string? Token, string TokenOrigin);

/// <summary>
/// Resolves the node's URL (--url, then SESSIONCLUSTER_URL, then the default) and its token
/// (--token, then SESSIONCLUSTER_TOKEN, then the api-token file of the data dir given by
/// --data-dir, then SESSIONCLUSTER_DATA_DIR, then <see cref="NodeDataDir.Default"/>). The token file is only
/// ever sent to a loopback URL; another host needs --token or SESSIONCLUSTER_TOKEN.
/// </summary>
public static class TokenSource
{
    public const string UrlVariable = "SESSIONCLUSTER_URL";
    public const string TokenVariable = "SESSIONCLUSTER_TOKEN";

    public static NodeEndpoint Resolve(
        string? urlFlag, string? tokenFlag, string? dataDirFlag, Func<string, string?> environment, string currentDirectory)
    {
        var baseUrl = ResolveUrl(urlFlag, environment);

        if (!string.IsNullOrWhiteSpace(tokenFlag))
        {
            return new NodeEndpoint(baseUrl, tokenFlag.Trim(), "--token");
        }

        var fromEnvironment = environment(TokenVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new NodeEndpoint(baseUrl, fromEnvironment.Trim(), TokenVariable);
        }

        var explicitDataDir = !string.IsNullOrWhiteSpace(dataDirFlag);
        var dataDir = explicitDataDir
            ? Path.GetFullPath(dataDirFlag!, currentDirectory)
            : NodeDataDir.Resolve(environment);
        var tokenFile = NodeDataDir.TokenFile(dataDir);

        string content;
        try
        {
            content = File.ReadAllText(tokenFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (explicitDataDir)
            {
                throw CliFailure.Usage($"no token file at {tokenFile} (is --data-dir the node's data dir?)");
            }

            return new NodeEndpoint(
                baseUrl, null, $"no token: --token, {TokenVariable} and the token file {tokenFile} are all missing");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliFailure.Usage($"cannot read token file {tokenFile}: {e.Message}");
        }

        var token = content.Trim();
        if (token.Length == 0)
        {
            return new NodeEndpoint(baseUrl, null, $"no token: the token file {tokenFile} is empty");
        }

        // The file belongs to the node on this machine: sent elsewhere, it would hand that node's token to another host.
        if (!baseUrl.IsLoopback)
        {
            throw CliFailure.Usage(
                $"not sending the local token file {tokenFile} to {baseUrl.Host}, which is not this machine; " +
                $"pass that node's token with --token or {TokenVariable}");
        }

        return new NodeEndpoint(baseUrl, token, $"token file {tokenFile}");
    }

    public static Uri ResolveUrl(string? urlFlag, Func<string, string?> environment)
    {
        var (text, origin) = !string.IsNullOrWhiteSpace(urlFlag)
            ? (urlFlag.Trim(), "--url")
            : environment(UrlVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment)
                ? (fromEnvironment.Trim(), UrlVariable)
                : (Api.DefaultUrl, "the default URL");

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            throw CliFailure.Usage($"{origin} must be an http:// or https:// base URL, got '{text}'");
        }

        return url;
    }
}
