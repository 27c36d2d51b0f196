using System.Collections.Immutable;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Tests.Http;

public sealed class SessionDtoMapperTests
{
    private static readonly DateTimeOffset Created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static SessionState State(SessionStatus status = SessionStatus.Running, WaitingReason reason = WaitingReason.None) => new()
    {
        Id = "abc123",
        Name = "fix-build",
        Launch = new LaunchSpec(
            "claude",
            "fix the build",
            "/work/app",
            "sonnet",
            true,
            7,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["ANTHROPIC_API_KEY"] = "sk-ant-secret-value-1",
                ["PLAIN_SETTING"] = "plain-value-2",
                ["EMPTY"] = "",
            }),
            PermissionMode.AcceptEdits,
            new ResumeLink("older", "older-conv")),
        Model = "sonnet",
        Status = status,
        WaitingReason = reason,
        TurnsCompleted = 2,
        RespondCount = 3,
        AutoRespondCount = 1,
        CostUsd = 0.125m,
        Usage = new TokenUsage(10, 20, 30, 40),
        AgentSessionId = "agent-session",
        ResumedAs = ["newer1", "newer2"],
        Node = "node-a",
        Pid = 4242,
        ProcessCount = 2,
        LastExitCode = 1,
        LastSignal = 9,
        CreatedAt = Created,
        UpdatedAt = Created.AddMinutes(1),
        FinishedAt = null,
    };

    private static string Json(SessionState state) => JsonSerializer.Serialize(state.ToDto(), Api.Json);

    [Fact]
    public void The_node_is_its_akka_address_with_its_name_and_id_beside_and_its_name_when_no_address_was_recorded()
    {
        var placed = State() with { NodeAddress = "akka.tcp://sessioncluster@10.0.0.2:4053", NodeId = "id-b" };

        Assert.Equal(("akka.tcp://sessioncluster@10.0.0.2:4053", "node-a", "id-b"), (placed.ToDto().Node, placed.ToDto().NodeName, placed.ToDto().NodeId));
        Assert.Equal(("node-a", "node-a", null), (State().ToDto().Node, State().ToDto().NodeName, State().ToDto().NodeId));
    }

    [Fact]
    public void Env_values_never_reach_the_json_only_their_names()
    {
        var json = Json(State());

        Assert.DoesNotContain("sk-ant-secret-value-1", json);
        Assert.DoesNotContain("plain-value-2", json);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(
            new[] { "ANTHROPIC_API_KEY", "EMPTY", "PLAIN_SETTING" },
            root.GetProperty("envNames").EnumerateArray().Select(e => e.GetString() ?? "(null)").ToArray());
        Assert.False(root.TryGetProperty("env", out _));
    }

    [Fact]
    public void Env_values_stay_out_of_a_failed_session_too()
    {
        var failed = State(SessionStatus.Failed) with
        {
            Error = new ErrorContext(ErrorKind.Auth, "auth failed", 1, null, "stderr", "output", "log in again"),
        };

        Assert.DoesNotContain("sk-ant-secret-value-1", Json(failed));
    }

    [Fact]
    public void A_list_cuts_the_prompt_to_200_characters_and_says_so_while_one_session_keeps_it_whole()
    {
        var prompt = new string('p', 199) + "😀" + new string('q', 300); // the emoji's pair straddles the cut
        var state = State() with { Launch = State().Launch with { Prompt = prompt } };

        var listed = state.ToListDto();
        var whole = state.ToDto();

        Assert.Equal(new string('p', 199), listed.Prompt);
        Assert.True(listed.PromptTruncated);
        Assert.Equal(prompt, whole.Prompt);
        Assert.False(whole.PromptTruncated);
        Assert.Equal(Json(listed with { Prompt = prompt, PromptTruncated = false }), Json(whole));
    }

    private static string Json(SessionDto dto) => JsonSerializer.Serialize(dto, Api.Json);

    [Fact]
    public void A_short_prompt_is_listed_as_it_is()
    {
        var state = State() with { Launch = State().Launch with { Prompt = new string('p', 200) } };

        Assert.Equal(Json(state.ToDto()), Json(state.ToListDto()));
    }

    [Fact]
    public void Every_field_is_copied()
    {
        var dto = State().ToDto();

        Assert.Equal("abc123", dto.Id);
        Assert.Equal("fix-build", dto.Name);
        Assert.Equal("claude", dto.Agent);
        Assert.Equal("fix the build", dto.Prompt);
        Assert.Equal("/work/app", dto.Workdir);
        Assert.Equal("sonnet", dto.Model);
        Assert.True(dto.MultiTurn);
        Assert.Equal(2, dto.TurnsCompleted);
        Assert.Equal(3, dto.RespondCount);
        Assert.Equal(1, dto.AutoRespondCount);
        Assert.Equal(7, dto.MaxAutoResponds);
        Assert.Equal(0.125m, dto.CostUsd);
        Assert.Equal(new TokenUsageDto { InputTokens = 10, OutputTokens = 20, CacheReadInputTokens = 30, CacheCreationInputTokens = 40 }, dto.Usage);
        Assert.Equal("agent-session", dto.AgentSessionId);
        Assert.Equal("older", dto.ResumedFromId);
        Assert.Equal(["newer1", "newer2"], dto.ResumedAs);
        Assert.Equal("node-a", dto.Node);
        Assert.Equal("node-a", dto.NodeName);
        Assert.Equal(4242, dto.Pid);
        Assert.Equal(2, dto.ProcessCount);
        Assert.Equal(1, dto.LastExitCode);
        Assert.Equal(9, dto.LastSignal);
        Assert.Equal(Created, dto.CreatedAt);
        Assert.Equal(Created.AddMinutes(1), dto.UpdatedAt);
        Assert.Null(dto.FinishedAt);
        Assert.Null(dto.Error);
    }

    [Fact]
    public void The_resume_chain_is_shown_for_one_session_and_left_out_of_a_list()
    {
        var dto = State().ToDto(null, ["abc123", "older", "oldest"]);

        Assert.Equal(["abc123", "older", "oldest"], dto.ResumeChain);
        using var json = JsonDocument.Parse(Json(dto));
        Assert.Equal(["abc123", "older", "oldest"], json.RootElement.GetProperty("resumeChain").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(State().ToListDto().ResumeChain);
    }

    [Fact]
    public void The_domain_name_limit_is_the_api_limit()
    {
        // Session.ResumeLaunch cuts a derived name to it; the API refuses longer names.
        Assert.Equal(ApiLimits.MaxNameChars, Session.MaxNameChars);
    }

    [Fact]
    public void With_requests_queued_the_pending_one_shown_is_the_oldest_with_its_own_expiry()
    {
        var asked = new PermissionRequest("req-1", "Bash", "ls", Created);
        var state = State(SessionStatus.WaitingForInput, WaitingReason.Permission) with
        {
            PendingPermission = asked,
            QueuedPermissions = [new PermissionRequest("req-2", "Edit", "a.txt", Created.AddSeconds(1))],
        };

        var dto = state.ToDto(TimeSpan.FromMinutes(5));

        Assert.Equal(("req-1", Created.AddMinutes(5)), (dto.PendingPermission!.RequestId, dto.PendingPermission.ExpiresAt));
        var queued = Assert.Single(dto.QueuedPermissions);
        Assert.Equal(("req-2", "Edit", "a.txt", Created.AddSeconds(1).AddMinutes(5)), (queued.RequestId, queued.Tool, queued.Summary, queued.ExpiresAt));
    }

    [Theory]
    [InlineData(SessionStatus.Starting, "starting")]
    [InlineData(SessionStatus.Running, "running")]
    [InlineData(SessionStatus.WaitingForInput, "waiting-for-input")]
    [InlineData(SessionStatus.Completed, "completed")]
    [InlineData(SessionStatus.Failed, "failed")]
    [InlineData(SessionStatus.Killed, "killed")]
    [InlineData(SessionStatus.Interrupted, "interrupted")]
    public void Status_has_its_wire_name(SessionStatus status, string wire)
    {
        Assert.Equal(wire, State(status).ToDto().Status);
        Assert.Equal(wire, JsonDocument.Parse(Json(State(status))).RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(WaitingReason.NextTurn, "next-turn")]
    [InlineData(WaitingReason.Question, "question")]
    [InlineData(WaitingReason.Permission, "permission")]
    public void A_waiting_session_has_its_waiting_reason_wire_name(WaitingReason reason, string wire)
    {
        Assert.Equal(wire, State(SessionStatus.WaitingForInput, reason).ToDto().WaitingReason);
        Assert.Equal(
            wire,
            JsonDocument.Parse(Json(State(SessionStatus.WaitingForInput, reason))).RootElement.GetProperty("waitingReason").GetString());
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void Waiting_reason_is_null_unless_waiting_even_when_one_is_left_over(SessionStatus status)
    {
        Assert.Null(State(status, WaitingReason.Question).ToDto().WaitingReason);
        Assert.Equal(
            JsonValueKind.Null,
            JsonDocument.Parse(Json(State(status, WaitingReason.Question))).RootElement.GetProperty("waitingReason").ValueKind);
    }

    public static TheoryData<ErrorKind, string> ErrorKinds => new()
    {
        { ErrorKind.Auth, "auth" },
        { ErrorKind.ModelApiUnreachable, "model-api-unreachable" },
        { ErrorKind.ModelApiError, "model-api-error" },
        { ErrorKind.AgentBinaryMissing, "agent-binary-missing" },
        { ErrorKind.BadWorkdir, "bad-workdir" },
        { ErrorKind.NonZeroExit, "non-zero-exit" },
        { ErrorKind.CrashBySignal, "crash-by-signal" },
        { ErrorKind.NoResult, "no-result" },
        { ErrorKind.AgentError, "agent-error" },
        { ErrorKind.NodeLost, "node-lost" },
    };

    [Theory]
    [MemberData(nameof(ErrorKinds))]
    public void Error_kind_has_its_wire_name_and_the_context_is_copied(ErrorKind kind, string wire)
    {
        var finished = Created.AddMinutes(5);
        var state = State(SessionStatus.Failed) with
        {
            FinishedAt = finished,
            Error = new ErrorContext(kind, "it broke", 3, 15, "stderr tail", "output tail", "try again"),
        };

        var dto = state.ToDto();

        Assert.Equal(
            new ErrorContextDto
            {
                Kind = wire,
                Message = "it broke",
                ExitCode = 3,
                Signal = 15,
                StderrTail = "stderr tail",
                OutputTail = "output tail",
                Suggestion = "try again",
            },
            dto.Error);
        Assert.Equal(finished, dto.FinishedAt);
        Assert.Equal(wire, JsonDocument.Parse(Json(state)).RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void The_json_is_camel_case()
    {
        var root = JsonDocument.Parse(Json(State(SessionStatus.WaitingForInput, WaitingReason.Question))).RootElement;

        foreach (var name in new[] { "id", "agentSessionId", "waitingReason", "envNames", "costUsd", "usage", "resumedAs", "createdAt" })
        {
            Assert.True(root.TryGetProperty(name, out _), $"no '{name}' in the JSON");
        }

        Assert.Equal(30, root.GetProperty("usage").GetProperty("cacheReadInputTokens").GetInt64());
    }
}
