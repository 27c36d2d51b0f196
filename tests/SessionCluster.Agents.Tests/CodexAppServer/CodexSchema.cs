using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.CodexAppServer;

/// <summary>
/// The JSON schema of the app-server protocol as the real codex prints it (<c>codex app-server generate-json-schema</c>),
/// made once per test run. The schema lets objects carry fields it does not declare, so <see cref="Strict"/> also
/// refuses those: a misspelt field name must fail, not be ignored by codex.
/// </summary>
public static class CodexSchema
{
    private static readonly Lazy<string> Directory = new(Generate);

    /// <summary>The schema of every client request (a oneOf by method).</summary>
    public static JsonSchema ClientRequest => Load("ClientRequest.json");

    /// <summary>The schema of every client notification.</summary>
    public static JsonSchema ClientNotification => Load("ClientNotification.json");

    /// <summary>The problems of <paramref name="line"/> against <paramref name="schema"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(JsonSchema schema, string line)
    {
        using var document = JsonDocument.Parse(line);
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
                .DefaultIfEmpty("invalid")
                .ToList();
    }

    /// <summary>One of the schema files codex printed (e.g. a response to one of its requests).</summary>
    public static JsonSchema Load(string file)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory.Value, file)))!;
        Strict(node);

        // A registry of its own: both files define the same names, and without an $id they would share a base URI.
        return JsonSchema.FromText(node.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    /// <summary>Adds <c>additionalProperties: false</c> to every plain object schema that lists its properties.</summary>
    private static void Strict(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                // Schemas combined with anyOf/oneOf/allOf share properties with their branches: left open.
                if (obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties")
                    && !obj.ContainsKey("anyOf") && !obj.ContainsKey("oneOf") && !obj.ContainsKey("allOf"))
                {
                    obj["additionalProperties"] = false;
                }

                foreach (var (_, child) in obj.ToList())
                {
                    Strict(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strict(child);
                }

                break;
        }
    }

    private static string Generate()
    {
        var output = System.IO.Directory.CreateTempSubdirectory("codex-schema-").FullName;
        var start = new ProcessStartInfo(AgentBinaries.Codex) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "app-server", "generate-json-schema", "--out", output })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)) || process.ExitCode != 0)
        {
            process.Kill();
            throw new InvalidOperationException($"codex app-server generate-json-schema failed: {stderr.Result}");
        }

        return output;
    }
}
