using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>
/// The model's <c>request_user_input</c> tool with the real codex app-server 0.169.0: in the default collaboration mode
/// (the only one a thread/start of this version can ask for) codex answers the call itself and never asks the client,
/// so the question reaches a person as the turn's final message instead (waiting reason question).
/// </summary>
public sealed class CodexDriverQuestionTests
{
    [Fact]
    public async Task A_request_user_input_call_is_refused_by_codex_itself_and_a_final_question_makes_the_session_wait_for_an_answer()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            ToolUse("request_user_input", new
            {
                questions = new[]
                {
                    new
                    {
                        id = "colour",
                        header = "Colour",
                        question = "Which colour should the button be?",
                        options = new[] { new { label = "Red", description = "A red button" }, new { label = "Blue", description = "A blue button" } },
                    },
                },
            }, "call_ask"),
            Text("I cannot ask directly: which colour should the button be?"));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Make a button", multiTurn: true));
        var (result, next) = await rig.Listener.WaitForResultAsync(1, Deadlines.Agent);

        var output = Assert.Single(server.TurnRequests[1].FunctionCallOutputs, o => o.CallId == "call_ask").Output;
        Assert.StartsWith("request_user_input is unavailable in Default mode", output);
        Assert.Empty(rig.Listener.Questions);
        Assert.Equal((false, WaitingReason.Question), (result.IsError, next));

        await run.RespondAsync("Blue");
        Assert.Equal(["Blue"], (await server.WaitForTurnRequestAsync(3, Deadlines.Agent)).UserTexts);
    }
}
