using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A node whose model API is down: sessions of both agents fail as unreachable, with the base URL to check.</summary>
public sealed class ModelApiDownTests(ModelApiDownTests.UnreachableModelNode fixture) : IClassFixture<ModelApiDownTests.UnreachableModelNode>
{
    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_session_fails_as_model_api_unreachable_with_a_suggestion(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);

        var launched = await fixture.Ctl.SessionAsync(agent.Launch(fixture.Workdir, "hello", "--single-turn"));

        var failed = await fixture.Ctl.WaitAsync(launched.Id, "failed", timeoutSeconds: 90);
        Assert.Equal("model-api-unreachable", failed.Error!.Kind);
        Assert.Contains("base URL", failed.Error.Suggestion);
        Assert.Null(failed.Pid);
    }

    /// <summary>A node whose agents point at a port nothing listens on.</summary>
    public sealed class UnreachableModelNode : NodeFixture
    {
        protected override string ModelBaseUrl(ScriptedModelServer model) => ScriptedModelServer.UnreachableBaseUrl();
    }
}
