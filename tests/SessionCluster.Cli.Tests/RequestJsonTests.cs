using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

public sealed class RequestJsonTests
{
    [Fact]
    public void A_launch_request_reads_back_as_written_with_every_property_named_as_the_contract_names_it()
    {
        var request = new LaunchSessionRequest
        {
            Agent = "claude",
            Prompt = "Fix \"it\" — ünïcode\n",
            Workdir = "/src/app",
            Name = "n",
            Model = "opus",
            MultiTurn = false,
            MaxAutoResponds = 4,
            PermissionMode = "accept-edits",
            Env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "" },
        };

        var json = RequestJson.Launch(request);

        AssertSameAsContract(request, json);
        var back = JsonSerializer.Deserialize<LaunchSessionRequest>(json, Api.Json)!;
        Assert.Equal(
            JsonSerializer.Serialize(request, Api.Json),
            JsonSerializer.Serialize(back, Api.Json));
    }

    [Fact]
    public void Absent_launch_fields_are_written_as_null()
    {
        var json = RequestJson.Launch(new LaunchSessionRequest());

        AssertSameAsContract(new LaunchSessionRequest(), json);
    }

    [Fact]
    public void Respond_and_resume_requests_match_the_contract()
    {
        AssertSameAsContract(new RespondRequest { Message = "yes", Auto = true }, RequestJson.Respond(new RespondRequest { Message = "yes", Auto = true }));
        AssertSameAsContract(new ResumeRequest { Prompt = "go on" }, RequestJson.Resume(new ResumeRequest { Prompt = "go on" }));
        AssertSameAsContract(new PruneRequest { OlderThan = "7d", Keep = 3, DryRun = true }, RequestJson.Prune(new PruneRequest { OlderThan = "7d", Keep = 3, DryRun = true }));
        AssertSameAsContract(new ResumeRequest(), RequestJson.Resume(new ResumeRequest()));
        AssertSameAsContract(new ClusterAddressRequest { Address = "akka.ssl.tcp://sessioncluster@10.0.0.1:4053" },
            RequestJson.ClusterAddress(new ClusterAddressRequest { Address = "akka.ssl.tcp://sessioncluster@10.0.0.1:4053" }));
        AssertSameAsContract(new ClusterAddressRequest(), RequestJson.ClusterAddress(new ClusterAddressRequest()));
    }

    [Fact]
    public void Permission_answers_match_the_contract()
    {
        var allow = new PermissionAnswerRequest { Decision = Api.Allow, Remember = true };
        var deny = new PermissionAnswerRequest { Decision = Api.Deny, Message = "not \"there\" — ünïcode" };

        AssertSameAsContract(allow, RequestJson.Permission(allow));
        AssertSameAsContract(deny, RequestJson.Permission(deny));
        AssertSameAsContract(new PermissionAnswerRequest(), RequestJson.Permission(new PermissionAnswerRequest()));
    }

    /// <summary>The hand-written JSON has the same properties and values as the serializer would write with <see cref="Api.Json"/>.</summary>
    private static void AssertSameAsContract<T>(T request, byte[] written)
    {
        using var expected = JsonDocument.Parse(JsonSerializer.Serialize(request, Api.Json));
        using var actual = JsonDocument.Parse(written);
        Assert.Equal(
            expected.RootElement.EnumerateObject().Select(p => (p.Name, Normalize(p.Value))).OrderBy(p => p.Name),
            actual.RootElement.EnumerateObject().Select(p => (p.Name, Normalize(p.Value))).OrderBy(p => p.Name));
    }

    private static string Normalize(JsonElement value) => JsonSerializer.Serialize(value, Api.Json);
}
