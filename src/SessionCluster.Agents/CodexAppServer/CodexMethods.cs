namespace SessionCluster.Agents.CodexAppServer;

/// <summary>The server requests codex app-server sends that this client answers (names from the generated schema).</summary>
public static class CodexMethods
{
    public const string CommandApproval = "item/commandExecution/requestApproval";

    public const string FileChangeApproval = "item/fileChange/requestApproval";

    public const string PermissionsApproval = "item/permissions/requestApproval";

    /// <summary>The model's <c>request_user_input</c> tool: questions for the person, answered by the next respond.</summary>
    public const string RequestUserInput = "item/tool/requestUserInput";
}
