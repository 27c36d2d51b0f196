using System.Net.Http.Headers;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The agent asks the person something, and the model API fails for a while and recovers: what the session shows
/// meanwhile, through the real node.
/// </summary>
public sealed class QuestionAndRetryTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_codex_request_user_input_call_ends_as_a_question_the_person_answers()
    {
        // codex 0.169.0 answers request_user_input itself outside Plan mode ("unavailable in Default mode"); the
        // model then asks in its final message, which is the question the session waits on.
        fixture.Model.Enqueue(
            ModelReply.ToolUse("request_user_input", new
            {
                questions = new[]
                {
                    new
                    {
                        id = "branch",
                        header = "Branch",
                        question = "Which branch should I use?",
                        options = new[] { new { label = "main", description = "The default branch" }, new { label = "dev", description = "The work branch" } },
                    },
                },
            }),
            ModelReply.Text("Which branch should I use, main or dev?"),
            ModelReply.Text("Using dev."));

        var launched = await fixture.Ctl.SessionAsync(AgentUnderTest.Of("codex").Launch(fixture.Workdir, "pick a branch"));
        var asking = await fixture.Ctl.WaitAsync(launched.Id, "waiting-for-input");

        Assert.Equal(("question", "Which branch should I use, main or dev?"), (asking.WaitingReason, asking.Question));
        Assert.Contains(fixture.Model.TurnRequests, r => r.FunctionCallOutputs.Any(o => o.Output.Contains("request_user_input is unavailable")));
        await fixture.Ctl.SessionAsync("respond", launched.Id, "dev");
        var answered = await fixture.Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal((2, "next-turn"), (answered.TurnsCompleted, answered.WaitingReason));
        await fixture.Ctl.SessionAsync("kill", launched.Id);
    }

    [Fact]
    public async Task A_model_api_that_fails_and_recovers_shows_retrying_then_clears_it()
    {
        // Two 500s, then an answer: claude retries (CLAUDE_CODE_MAX_RETRIES=2 here) and the turn completes.
        fixture.Model.Enqueue(ModelReply.HttpStatus(500, "scripted blip"), ModelReply.HttpStatus(500, "scripted blip"), ModelReply.Text("Recovered."));
        var launched = await fixture.Ctl.SessionAsync("launch", "--single-turn", "--workdir", fixture.Workdir, "--prompt", "survive a blip");
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Node.Token);

        // Polled through the HTTP API: the retry state lasts as long as claude's back-off, about a second.
        SessionDto? retrying = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (retrying is null && DateTime.UtcNow < deadline)
        {
            var shown = JsonSerializer.Deserialize<SessionDto>(await http.GetStringAsync(Api.Session(launched.Id)), Api.Json)!;
            Assert.NotEqual("failed", shown.Status);
            retrying = shown.ApiRetry is not null ? shown : null;
            if (shown.Status == "completed" && retrying is null)
            {
                Assert.Fail("the session completed without ever showing that the model API was being retried");
            }

            await Task.Delay(20);
        }

        Assert.NotNull(retrying);
        Assert.Contains("500", retrying.ApiRetry!.Message);
        Assert.Equal("running", retrying.Status);
        var done = await fixture.Ctl.WaitAsync(launched.Id, "completed");
        Assert.Null(done.ApiRetry);
        Assert.Null(done.Error);
    }
}
