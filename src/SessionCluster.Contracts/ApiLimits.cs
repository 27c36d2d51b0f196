namespace SessionCluster.Contracts;

/// <summary>
/// The fixed limits on request fields (docs/HTTP-API.md lists them). The prompt and body limits are
/// node settings instead (sessioncluster.sessions.max-prompt-bytes, sessioncluster.http.max-request-body-bytes).
/// </summary>
public static class ApiLimits
{
    public const int MaxNameChars = 200;
    public const int MaxModelChars = 200;
    public const int MaxWorkdirBytes = 4096;
    public const int MaxEnvEntries = 100;
    public const int MaxEnvNameChars = 256;
    public const int MaxEnvValueBytes = 32 * 1024;

    /// <summary>An Idempotency-Key: 1 to 200 printable ASCII characters.</summary>
    public const int MaxIdempotencyKeyChars = 200;

    /// <summary>GET /api/sessions: page size when no limit is given, and the largest one allowed.</summary>
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>Prompts in a session list are cut to this many characters; GET of one session has the whole prompt.</summary>
    public const int ListedPromptChars = 200;

    /// <summary>How many permission decisions a session keeps in its state (and shows); all are in its journal.</summary>
    public const int RecentPermissions = 20;

    /// <summary>The longest deny message passed on to the agent.</summary>
    public const int MaxPermissionMessageChars = 2000;
}
