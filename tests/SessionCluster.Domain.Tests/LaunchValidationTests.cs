using System.Collections.Immutable;

namespace SessionCluster.Domain.Tests;

public class LaunchValidationTests
{
    private static LaunchSession Valid => SessionDriver.LaunchCommand();

    public static TheoryData<string, string, string> EmptyFields()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var field in new[] { "id", "name", "agent", "prompt", "workdir" })
        {
            foreach (var blank in new[] { "", " ", "\t\n" })
            {
                data.Add(field, blank, $"{field} is empty");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyFields))]
    public void A_blank_required_field_is_invalid_input(string field, string blank, string reason)
    {
        var command = field switch
        {
            "id" => Valid with { Id = blank },
            "name" => Valid with { Name = blank },
            "agent" => Valid with { Spec = Valid.Spec with { Agent = blank } },
            "prompt" => Valid with { Spec = Valid.Spec with { Prompt = blank } },
            "workdir" => Valid with { Spec = Valid.Spec with { Workdir = blank } },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var decision = Session.Decide(null, command);

        Assert.False(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Equal(new Rejection(RejectionCode.InvalidInput, reason), decision.Rejection);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-100)]
    [InlineData(int.MinValue)]
    public void A_negative_auto_respond_cap_is_invalid_input(int cap)
    {
        var decision = Session.Decide(null, Valid with { Spec = Valid.Spec with { MaxAutoResponds = cap } });

        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
        Assert.Equal($"maxAutoResponds is {cap}; it must be 0 or more", decision.Rejection.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SessionState.DefaultMaxAutoResponds)]
    [InlineData(1000)]
    public void A_zero_or_positive_auto_respond_cap_is_accepted(int cap)
    {
        var decision = Session.Decide(null, Valid with { Spec = Valid.Spec with { MaxAutoResponds = cap } });

        Assert.True(decision.IsAccepted);
        Assert.Equal(cap, Assert.IsType<SessionLaunched>(Assert.Single(decision.Events)).Spec.MaxAutoResponds);
    }

    [Fact]
    public void A_resume_link_without_agent_session_id_is_invalid_input()
    {
        var decision = Session.Decide(null, Valid with { Spec = Valid.Spec with { ResumedFrom = new ResumeLink("s-0", "") } });

        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
        Assert.Equal("session s-0 has no agent session to resume", decision.Rejection.Reason);
    }

    [Fact]
    public void The_first_problem_is_reported()
    {
        var decision = Session.Decide(null, Valid with { Id = "", Spec = Valid.Spec with { Prompt = "", MaxAutoResponds = -1 } });
        Assert.Equal("id is empty", decision.Rejection!.Reason);
    }

    [Fact]
    public void A_valid_launch_records_every_field_of_the_command()
    {
        var link = new ResumeLink("s-0", "conv-0");
        var command = Valid with
        {
            Spec = Valid.Spec with { Model = null, MultiTurn = false, MaxAutoResponds = 3, PermissionMode = PermissionMode.Plan, ResumedFrom = link },
        };

        var decision = Session.Decide(null, command);

        var launched = Assert.IsType<SessionLaunched>(Assert.Single(decision.Events));
        Assert.Equal(new SessionLaunched(command.Id, command.Name, command.Spec, command.At), launched);
        Assert.Same(command.Spec, launched.Spec);
    }

    [Fact]
    public void Applying_the_launch_gives_a_starting_session_with_nothing_else_yet()
    {
        var at = SessionDriver.T0.AddDays(2);
        var env = ImmutableSortedDictionary<string, string>.Empty.Add("A", "1");
        var command = Valid with { Spec = Valid.Spec with { MaxAutoResponds = 4, Env = env }, At = at };

        var state = Session.Apply(null, Assert.Single(Session.Decide(null, command).Events));

        Assert.Equal(command.Id, state.Id);
        Assert.Equal(command.Name, state.Name);
        Assert.Same(command.Spec, state.Launch);
        Assert.Equal(command.Spec.Agent, state.Agent);
        Assert.Equal(command.Spec.Prompt, state.Prompt);
        Assert.Equal(command.Spec.Workdir, state.Workdir);
        Assert.Equal(command.Spec.Model, state.Model);
        Assert.Equal(PermissionMode.Ask, state.PermissionMode);
        Assert.Null(state.PendingPermission);
        Assert.Empty(state.RecentPermissions);
        Assert.True(state.MultiTurn);
        Assert.Equal(4, state.MaxAutoResponds);
        Assert.Same(env, state.Env);
        Assert.Equal(SessionStatus.Starting, state.Status);
        Assert.Equal(WaitingReason.None, state.WaitingReason);
        Assert.Equal(at, state.CreatedAt);
        Assert.Equal(at, state.UpdatedAt);
        Assert.Null(state.FinishedAt);
        Assert.Null(state.AgentSessionId);
        Assert.Null(state.ResumedFromId);
        Assert.Empty(state.ResumedAs);
        Assert.Null(state.Node);
        Assert.Null(state.Pid);
        Assert.Equal(0, state.ProcessCount);
        Assert.Equal(0, state.TurnsCompleted);
        Assert.Equal(0, state.RespondCount);
        Assert.Equal(0, state.AutoRespondCount);
        Assert.Equal(0m, state.CostUsd);
        Assert.Equal(TokenUsage.Zero, state.Usage);
        Assert.Null(state.Error);
        Assert.Null(state.LastExitCode);
        Assert.Null(state.LastSignal);
        Assert.True(state.IsLive);
        Assert.False(state.IsFinished);
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void Launching_an_existing_session_is_AlreadyExists_whatever_its_status(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;

        var decision = driver.Send(at => SessionDriver.LaunchCommand(at: at));

        Assert.Equal(new Rejection(RejectionCode.AlreadyExists, "session s-1 already exists"), decision.Rejection);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
    }

    [Fact]
    public void An_undefined_permission_mode_is_invalid_input()
    {
        var decision = Session.Decide(null, Valid with { Spec = Valid.Spec with { PermissionMode = (PermissionMode)42 } });

        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
        Assert.Equal("permission mode 42 is not one of ask, accept-edits, bypass, plan", decision.Rejection.Reason);
    }

    [Fact]
    public void An_invalid_launch_to_an_existing_session_is_still_AlreadyExists()
    {
        var driver = SessionDriver.Launched();
        var decision = driver.Send(at => SessionDriver.LaunchCommand(at: at) with { Spec = Valid.Spec with { Prompt = "" } });
        Assert.Equal(RejectionCode.AlreadyExists, decision.Rejection!.Code);
    }
}
