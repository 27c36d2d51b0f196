using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionCluster.Domain;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>
/// One <c>codex app-server</c> process: <c>initialize</c> (written at start), then on its answer <c>initialized</c> and
/// <c>thread/start</c> (or <c>thread/resume</c>), then on the thread id <see cref="AgentInit"/> and <c>turn/start</c> with
/// the prompt. Notifications become <see cref="AgentEvent"/>s (see <see cref="CodexItemEvents"/>); approval requests become
/// <see cref="AgentPermissionRequest"/>s, <c>item/tool/requestUserInput</c> an <see cref="AgentQuestion"/> the next respond
/// answers; every other server request is refused at once, so codex never waits on it.
/// </summary>
public sealed class CodexConversation : IAgentConversation
{
    /// <summary>The id of <c>initialize</c>, written before anything is read.</summary>
    public const long InitializeId = 0;

    /// <summary>JSON-RPC's "method not found": the answer to a server request this client does not serve.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>
    /// Retries without any answer after which the turn is given up: codex 0.169.0 keeps reconnecting to a model server
    /// that is down for as long as it runs (request_max_retries does not bound it), so the session would never fail.
    /// </summary>
    public const int MaxUnansweredRetries = 2;

    private readonly AgentLaunchRequest request;
    private readonly Lock gate = new();
    private readonly Dictionary<string, PendingApproval> approvals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> fileChangePaths = new(StringComparer.Ordinal);
    private long nextId = InitializeId + 1;
    private long? threadRequestId;
    private string? threadId;
    private long? turnStartId;
    private string? activeTurnId;
    private bool interruptWanted;
    private bool stopping;
    private int turns;
    private PendingQuestion? question;

    // This turn's account, reset when it ends.
    private TokenUsage usage = TokenUsage.Zero;
    private string? lastAgentText;
    private int declined;
    private bool apiErrorSeen;
    private int unansweredRetries;
    private bool gaveUp;

    public CodexConversation(AgentLaunchRequest request)
    {
        this.request = request;
    }

    /// <summary>The thread id, once <c>thread/start</c> or <c>thread/resume</c> answered.</summary>
    public string? ThreadId
    {
        get
        {
            lock (gate)
            {
                return threadId;
            }
        }
    }

    /// <summary>The first line of every process: <c>initialize</c> with the client's name and version.</summary>
    public static string InitializeLine(string clientVersion) =>
        JsonRpcLine.Request(InitializeId, new CodexInitialize(new CodexClientInfo(CodexDriver.ClientName, clientVersion)));

    public void Read(ReadOnlySpan<byte> line, ICollection<AgentEvent> events, ICollection<string> replies)
    {
        if (line.IsEmpty || line.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        var message = CodexMessageParser.Parse(line);
        lock (gate)
        {
            try
            {
                Read(message, events, replies);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // A field of another shape than the schema's: keep the line, never fail the run over it.
                events.Add(new AgentMalformedLine(Bounded(message.RawJson), $"unexpected shape: {e.Message}"));
            }
        }
    }

    public string Respond(string message)
    {
        lock (gate)
        {
            if (question is { } asked)
            {
                question = null;
                return JsonRpcLine.Response(asked.IdJson, Answers(asked.QuestionIds, message));
            }

            if (threadId is null)
            {
                throw new InvalidOperationException("the agent is still starting; it cannot take input yet");
            }

            if (turnStartId is not null || activeTurnId is not null)
            {
                throw new InvalidOperationException("the agent is still working on its turn");
            }

            return StartTurn(message);
        }
    }

    public string AnswerPermission(AgentPermissionRequest request, bool allow, string? message, bool remember)
    {
        lock (gate)
        {
            if (!approvals.Remove(request.RequestId, out var pending))
            {
                throw new InvalidOperationException($"no permission request {request.RequestId} is pending");
            }

            if (!allow)
            {
                declined++;
            }

            // Codex has no field for the reason of a decline: it tells the model the user declined.
            return JsonRpcLine.Response(pending.IdJson, pending.Method == CodexMethods.PermissionsApproval
                ? PermissionsAnswer(pending.ParamsJson, allow, remember)
                : new CodexCommandApproval(allow ? remember ? "acceptForSession" : "accept" : "decline"));
        }
    }

    public AgentInterrupt Interrupt()
    {
        lock (gate)
        {
            stopping = true;
            if (activeTurnId is { } turn && threadId is { } thread)
            {
                return AgentInterrupt.ByRequest(Request(new CodexTurnInterrupt(thread, turn)));
            }

            if (turnStartId is not null)
            {
                // The turn has no id yet: turn/interrupt follows its answer.
                interruptWanted = true;
                return AgentInterrupt.Deferred;
            }

            return AgentInterrupt.ByEndingInput;
        }
    }

    // The process stays alive after a failed or interrupted turn; only a closed stdin ends it.
    public bool EndsInputAfter(AgentTurnResult result, bool multiTurn)
    {
        lock (gate)
        {
            return result.IsError || !multiTurn || stopping;
        }
    }

    private void Read(CodexMessage message, ICollection<AgentEvent> events, ICollection<string> replies)
    {
        switch (message)
        {
            case CodexResponse { Id: "0" }:
                replies.Add(JsonRpcLine.Notification(new CodexInitialized()));
                replies.Add(StartThread());
                break;
            case CodexResponse r when IsId(r.Id, threadRequestId):
                threadRequestId = null;
                ThreadOpened(r, events, replies);
                break;
            case CodexResponse r when IsId(r.Id, turnStartId):
                turnStartId = null;
                activeTurnId = CodexResults.TurnId(r) ?? activeTurnId;
                InterruptIfWanted(replies);
                break;
            case CodexErrorResponse e when e.Id == "0" || IsId(e.Id, threadRequestId) || IsId(e.Id, turnStartId):
                // Nothing can go on without the thread or the turn: end it as a failed turn.
                threadRequestId = turnStartId = null;
                events.Add(EndTurn(isError: true, "failed", e.Message));
                break;
            case CodexResponse or CodexErrorResponse:
                // The answer to a turn/interrupt: the turn's end follows as turn/completed.
                break;
            case CodexServerRequest r:
                ServerRequest(r, events, replies);
                break;
            case CodexTurnStarted t:
                activeTurnId ??= t.TurnId;
                InterruptIfWanted(replies);
                break;
            case CodexTurnCompleted c:
                TurnCompleted(c, events);
                break;
            case CodexItemEvent item:
                if (item.Item.Type == "fileChange")
                {
                    fileChangePaths[item.Item.Id] = CodexItemEvents.Paths(item.Item);
                }

                if (item.Completed && item.Item.Type == "agentMessage" && !string.IsNullOrEmpty(item.Item.Text))
                {
                    lastAgentText = item.Item.Text;
                }

                CodexItemEvents.Add(item, events);
                break;
            case CodexTokenUsageUpdated u:
                var last = u.Last;
                usage = usage.Add(new TokenUsage(last.InputTokens - last.CachedInputTokens, last.OutputTokens, last.CachedInputTokens, 0));
                break;
            case CodexThreadStatusChanged { Status: "systemError" } s:
                events.Add(new AgentNotice("systemError", "codex reports a system error on the thread (see the errors that follow)"));
                break;
            case CodexThreadStatusChanged:
                break;
            case CodexErrorNotification e:
                events.Add(ApiProblem(e));
                GiveUpIfNothingAnswers(e, events, replies);
                break;
            case CodexOtherNotification n:
                CodexItemEvents.Other(n, events);
                break;
            case CodexUnreadableLine u:
                events.Add(new AgentMalformedLine(Bounded(u.RawJson), "not a JSON-RPC message"));
                break;
        }
    }

    private string StartThread()
    {
        var launch = request.Launch;
        var (approval, sandbox) = CodexDriver.Policy(launch.PermissionMode);
        var model = string.IsNullOrWhiteSpace(launch.Model) ? null : launch.Model;
        var id = nextId++;
        threadRequestId = id;
        return request.ResumeAgentSessionId is { } resume
            ? JsonRpcLine.Request(id, new CodexThreadResume(resume, launch.Workdir, model, sandbox, approval))
            : JsonRpcLine.Request(id, new CodexThreadStart(launch.Workdir, model, sandbox, approval));
    }

    private void ThreadOpened(CodexResponse response, ICollection<AgentEvent> events, ICollection<string> replies)
    {
        threadId = CodexResults.ThreadId(response);
        if (threadId is null)
        {
            events.Add(EndTurn(isError: true, "failed", "codex opened no thread (its answer named no thread id)"));
            return;
        }

        var (model, cwd) = ThreadFacts(response.ResultJson);
        events.Add(new AgentInit(threadId, model ?? request.Launch.Model, cwd ?? request.Launch.Workdir));
        if (stopping)
        {
            // Interrupted while starting: no turn to begin.
            return;
        }

        replies.Add(StartTurn(request.Launch.Prompt));
    }

    private string StartTurn(string text)
    {
        var id = nextId++;
        turnStartId = id;
        return JsonRpcLine.Request(id, CodexTurnStart.Text(threadId!, text));
    }

    private string Request(CodexRequest request) => JsonRpcLine.Request(nextId++, request);

    private void InterruptIfWanted(ICollection<string> replies)
    {
        if (interruptWanted && activeTurnId is { } turn && threadId is { } thread)
        {
            interruptWanted = false;
            replies.Add(Request(new CodexTurnInterrupt(thread, turn)));
        }
    }

    private void TurnCompleted(CodexTurnCompleted completed, ICollection<AgentEvent> events)
    {
        if (completed.Status == "failed" && !apiErrorSeen && completed.ErrorJson is { } errorJson)
        {
            // No error notification told why: the turn's own error does.
            events.Add(CodexErrors.ApiError(errorJson, completed.ErrorMessage ?? "the turn failed"));
        }

        activeTurnId = null;
        question = null;
        var status = gaveUp ? "failed" : completed.Status;
        var text = status == "failed" ? completed.ErrorMessage ?? lastAgentText : lastAgentText;
        events.Add(EndTurn(status != "completed", status, text));
    }

    private AgentTurnResult EndTurn(bool isError, string status, string? text)
    {
        turns++;
        var result = new AgentTurnResult(isError, status, 0m, usage, turns, declined, text, threadId);
        usage = TokenUsage.Zero;
        lastAgentText = null;
        declined = 0;
        apiErrorSeen = false;
        unansweredRetries = 0;
        gaveUp = false;
        approvals.Clear();
        return result;
    }

    private AgentEvent ApiProblem(CodexErrorNotification error)
    {
        var (info, status) = CodexErrors.Info(error.RawJson, "error");
        if (error.WillRetry)
        {
            var (attempt, max) = CodexErrors.Attempt(error.Message);
            return new AgentApiRetry(attempt, max, 0, status, info ?? error.Message) { CredentialsRefused = status == 401 };
        }

        apiErrorSeen = true;
        return CodexErrors.ApiError(error.RawJson, error.Message, "error");
    }

    private void GiveUpIfNothingAnswers(CodexErrorNotification error, ICollection<AgentEvent> events, ICollection<string> replies)
    {
        if (!error.WillRetry || gaveUp || CodexErrors.Info(error.RawJson, "error").Status is not null
            || ++unansweredRetries < MaxUnansweredRetries || activeTurnId is not { } turn || threadId is not { } thread)
        {
            return;
        }

        // Said as the give-up of the model call, then the turn is stopped; its end counts as failed, not as a stop.
        gaveUp = true;
        apiErrorSeen = true;
        events.Add(new AgentApiError("unreachable", $"the model API could not be reached ({unansweredRetries} attempts without an answer); the turn was stopped")
        {
            NoAnswer = true,
            Detail = CodexErrors.Info(error.RawJson, "error").Kind,
        });
        replies.Add(Request(new CodexTurnInterrupt(thread, turn)));
    }

    private void ServerRequest(CodexServerRequest server, ICollection<AgentEvent> events, ICollection<string> replies)
    {
        using var document = JsonDocument.Parse(server.ParamsJson);
        var parameters = document.RootElement;
        switch (server.Method)
        {
            case CodexMethods.CommandApproval:
            case CodexMethods.FileChangeApproval:
            case CodexMethods.PermissionsApproval:
                var permission = new AgentPermissionRequest(server.Id, Tool(server.Method), Summary(server.Method, parameters), server.ParamsJson);
                approvals[server.Id] = new PendingApproval(server.IdJson, server.Method, server.ParamsJson);
                events.Add(permission);
                break;
            case CodexMethods.RequestUserInput:
                var (ids, text) = CodexItemEvents.Questions(parameters);
                question = new PendingQuestion(server.IdJson, ids);
                events.Add(new AgentQuestion(server.Id, text));
                break;
            default:
                replies.Add(JsonRpcLine.ErrorResponse(server.IdJson, MethodNotFound, $"{CodexDriver.ClientName} does not serve {server.Method}"));
                events.Add(new AgentUnknown(server.Method, server.RawJson));
                break;
        }
    }

    private static string Tool(string method) => method switch
    {
        CodexMethods.CommandApproval => "command",
        CodexMethods.FileChangeApproval => "file_change",
        _ => "permissions",
    };

    private string Summary(string method, JsonElement parameters)
    {
        string? summary = method switch
        {
            CodexMethods.CommandApproval => Str(parameters, "command"),
            CodexMethods.FileChangeApproval => Str(parameters, "itemId") is { } item && fileChangePaths.TryGetValue(item, out var paths) && paths.Count > 0
                ? string.Join(", ", paths)
                : Str(parameters, "grantRoot"),
            _ => parameters.TryGetProperty("permissions", out var p) ? p.GetRawText() : null,
        };
        var reason = Str(parameters, "reason");
        return PermissionSummary.Bounded(string.IsNullOrWhiteSpace(summary) ? reason ?? Tool(method) : summary);
    }

    private static JsonObject PermissionsAnswer(string paramsJson, bool allow, bool remember)
    {
        var asked = JsonNode.Parse(paramsJson)?["permissions"]?.DeepClone();
        return new JsonObject
        {
            // Deny: an empty grant. Allow: what was asked, for the turn or, remembered, the session.
            ["permissions"] = allow && asked is not null ? asked : new JsonObject(),
            ["scope"] = allow && remember ? "session" : "turn",
        };
    }

    private static JsonObject Answers(IReadOnlyList<string> questionIds, string message)
    {
        var answers = new JsonObject();
        foreach (var id in questionIds)
        {
            answers[id] = new JsonObject { ["answers"] = new JsonArray(message) };
        }

        return new JsonObject { ["answers"] = answers };
    }

    private static (string? Model, string? Cwd) ThreadFacts(string resultJson)
    {
        using var document = JsonDocument.Parse(resultJson);
        var root = document.RootElement;
        return root.ValueKind == JsonValueKind.Object ? (Str(root, "model"), Str(root, "cwd")) : (null, null);
    }

    private static string Bounded(string raw) => raw.Length > AgentMalformedLine.MaxRawChars ? raw[..AgentMalformedLine.MaxRawChars] : raw;

    private static bool IsId(string id, long? expected) =>
        expected is { } e && id == e.ToString(CultureInfo.InvariantCulture);

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed record PendingApproval(string IdJson, string Method, string ParamsJson);

    private sealed record PendingQuestion(string IdJson, IReadOnlyList<string> QuestionIds);
}
