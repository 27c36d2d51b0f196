namespace SessionCluster.Domain.Notifications;

/// <summary>
/// The exact sessionctl lines a notification tells a person to run (src/SessionCluster.Cli/Commands: respond, approve,
/// deny, resume), with the session id as one shell word and placeholders in angle brackets for what the person types.
/// </summary>
public static class SessionctlCommands
{
    public const string AnswerPlaceholder = "<your answer>";
    public const string WhyPlaceholder = "<why>";

    /// <summary><c>sessionctl respond &lt;id&gt; "&lt;your answer&gt;"</c>: answers a session that waits for input.</summary>
    public static string Respond(string sessionId) => $"sessionctl respond {ShellWord(sessionId)} \"{AnswerPlaceholder}\"";

    /// <summary><c>sessionctl approve &lt;id&gt;</c>: allows the request the session waits on now (the oldest pending).</summary>
    public static string Approve(string sessionId) => $"sessionctl approve {ShellWord(sessionId)}";

    /// <summary><c>sessionctl deny &lt;id&gt; --message "&lt;why&gt;"</c>: refuses it, and tells the agent why.</summary>
    public static string Deny(string sessionId) => $"sessionctl deny {ShellWord(sessionId)} --message \"{WhyPlaceholder}\"";

    /// <summary><c>sessionctl resume &lt;id&gt;</c>: continues the ended session as a new one.</summary>
    public static string Resume(string sessionId) => $"sessionctl resume {ShellWord(sessionId)}";

    /// <summary>
    /// A word the shell passes on unchanged: as it is when that is safe (every id the node makes), else in single
    /// quotes, as the CLI's own answer lines quote it.
    /// </summary>
    public static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_.:@%+=,/".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
