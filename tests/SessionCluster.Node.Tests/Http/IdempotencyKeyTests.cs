using System.Collections.Immutable;
using SessionCluster.Domain;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class IdempotencyKeyTests
{
    [Fact]
    public void Ids_are_the_first_12_hex_of_sha256_over_the_verb_and_key()
    {
        Assert.Equal("c979fc88bae2", IdempotencyKey.LaunchId("retry-1")); // sha256("launch\nretry-1")
        Assert.Equal("6cc08b5409e7", IdempotencyKey.ResumeId("abc123", "retry-1")); // sha256("resume\nabc123\nretry-1")
    }

    [Fact]
    public void One_key_gives_different_ids_for_a_launch_and_for_resumes_of_different_sessions()
    {
        var ids = new[] { IdempotencyKey.LaunchId("k"), IdempotencyKey.ResumeId("a", "k"), IdempotencyKey.ResumeId("b", "k") };

        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(SessionIds.IsWellFormed(id)));
        Assert.Equal(IdempotencyKey.LaunchId("k"), IdempotencyKey.LaunchId("k"));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("0f8b6a2c-1d3e-4f5a-9b7c-123456789abc", true)]
    [InlineData(" spaces and ~!@#$%^&*() ", true)]
    [InlineData("", false)]
    [InlineData("tab\there", false)]
    [InlineData("nl\n", false)]
    [InlineData("é", false)]
    [InlineData("\u007f", false)]
    public void A_key_is_1_to_200_printable_ascii_characters(string key, bool valid)
    {
        Assert.Equal(valid, IdempotencyKey.IsValid(key));
    }

    [Fact]
    public void The_length_limit_is_200()
    {
        Assert.True(IdempotencyKey.IsValid(new string('k', 200)));
        Assert.False(IdempotencyKey.IsValid(new string('k', 201)));
    }

    [Fact]
    public async Task Read_takes_the_header_and_refuses_a_bad_one_or_two()
    {
        var none = HttpResults.NewContext();
        Assert.Equal((null, null), IdempotencyKey.Read(none.Request));

        var one = HttpResults.NewContext();
        one.Request.Headers["Idempotency-Key"] = "k-1";
        Assert.Equal("k-1", IdempotencyKey.Read(one.Request).Key);

        var two = HttpResults.NewContext();
        two.Request.Headers["Idempotency-Key"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);
        (await HttpResults.Execute(IdempotencyKey.Read(two.Request).Problem!)).AssertProblem(400, "send one Idempotency-Key header, not 2");

        var bad = HttpResults.NewContext();
        bad.Request.Headers["Idempotency-Key"] = new string('k', 201);
        (await HttpResults.Execute(IdempotencyKey.Read(bad.Request).Problem!)).AssertProblem(
            400, "Idempotency-Key must be 1 to 200 printable ASCII characters");
    }
}

public sealed class IdempotentReplayTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static LaunchSession Launch(string prompt = "p", string? model = "opus", ResumeLink? from = null) => new(
        "id1", "name", new LaunchSpec("claude", prompt, "/w", model, true, 10,
        ImmutableSortedDictionary<string, string>.Empty.Add("A", "1"), PermissionMode.Ask, from), At);

    private static SessionState Made(LaunchSession launch) =>
        Session.Apply(null, (SessionLaunched)Session.Decide(null, launch).Events[0]);

    [Fact]
    public void The_same_request_is_a_retry_even_later_and_with_the_model_the_agent_reported()
    {
        var existing = Made(Launch()) with { Model = "claude-opus-4-1-20250805" };

        Assert.Null(IdempotentReplay.Difference(existing, Launch() with { At = At.AddMinutes(5) }));
        Assert.Null(IdempotentReplay.Difference(existing, Launch(model: null)));
    }

    [Fact]
    public void A_different_request_names_the_first_field_that_differs()
    {
        var existing = Made(Launch());

        Assert.Equal("prompt", IdempotentReplay.Difference(existing, Launch("other")));
        Assert.Equal("workdir", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { Workdir = "/x" } }));
        Assert.Equal("env", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { Env = ImmutableSortedDictionary<string, string>.Empty.Add("A", "2") } }));
        Assert.Equal("multiTurn", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { MultiTurn = false } }));
        Assert.Equal("permissionMode", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { PermissionMode = PermissionMode.Bypass } }));
        Assert.Equal("channel", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { Channel = "ops" } }));
        Assert.Equal("autoResume", IdempotentReplay.Difference(existing, Launch() with { Spec = Launch().Spec with { AutoResume = true } }));
        Assert.Equal("the session resumed", IdempotentReplay.Difference(existing, Launch(from: new ResumeLink("old", "conv"))));
    }
}
