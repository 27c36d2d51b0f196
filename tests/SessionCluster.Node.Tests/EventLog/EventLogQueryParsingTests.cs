using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SessionCluster.Actors.EventLog;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>The event log route's query: type, since and tail, each checked with a message that says what it accepts.</summary>
public sealed class EventLogQueryParsingTests
{
    private static (EventLogQuery? Query, IResult? Problem) Parse(string query) =>
        EventLogEndpoints.Parse("s-1", new QueryCollection(QueryHelpers.ParseQuery(query)));

    [Fact]
    public void No_parameters_ask_for_the_first_page_of_everything()
    {
        Assert.Equal(new EventLogQuery("s-1", null, 0, null, 1000), Parse("").Query);
    }

    [Fact]
    public void Types_are_comma_separated_repeatable_and_any_case()
    {
        var query = Parse("?type=tool_use,Command&type=%20text%20&since=7&tail=50").Query!;

        Assert.Equal(["command", "text", "tool_use"], query.Types!.Order());
        Assert.Equal(7, query.Since);
        Assert.Equal(50, query.Tail);
    }

    [Theory]
    [InlineData("?type=shell", "unknown event type 'shell'; types are: text, thinking, tool_use, tool_result, command, file_change, plan, question, api_retry, turn_started, turn_completed, error, unknown")]
    [InlineData("?since=", "since must be a sequence number")]
    [InlineData("?since=1.5", "since must be a sequence number")]
    [InlineData("?since=1&since=2", "since may be given once")]
    [InlineData("?tail=-3", "tail must be a whole number from 1 to 1000, not '-3'")]
    [InlineData("?tail=99999", "tail must be a whole number from 1 to 1000")]
    public async Task A_bad_parameter_is_a_400_that_says_what_it_accepts(string query, string detail)
    {
        var (parsed, problem) = Parse(query);

        Assert.Null(parsed);
        var response = await HttpResults.Execute(problem!);
        Assert.Equal(400, response.Status);
        Assert.Contains(detail, response.Detail);
    }
}

/// <summary>The search route's query: q, type, agent and limit.</summary>
public sealed class EventSearchQueryParsingTests
{
    private static (EventSearchQuery? Query, IResult? Problem) Parse(string query) =>
        EventLogEndpoints.ParseSearch(new QueryCollection(QueryHelpers.ParseQuery(query)));

    [Fact]
    public void A_search_takes_its_text_types_agent_and_limit()
    {
        var query = Parse("?q=%20rm%20-rf%20&type=command&agent=codex&limit=5").Query!;

        Assert.Equal("rm -rf", query.Text);
        Assert.Equal(["command"], query.Types!);
        Assert.Equal("codex", query.Agent);
        Assert.Equal(5, query.Limit);
        Assert.Equal(new EventSearchQuery("x", null, null, 50), Parse("?q=x").Query);
    }

    [Theory]
    [InlineData("", "q must hold a word to search for")]
    [InlineData("?q=--%20*", "q must hold a word to search for")]
    [InlineData("?q=a%0Ab", "q must be one line of text of at most 500 characters")]
    [InlineData("?q=a&type=bogus", "unknown event type 'bogus'")]
    [InlineData("?q=a&limit=0", "limit must be a whole number from 1 to 1000, not '0'")]
    [InlineData("?q=a&q=b", "q may be given once")]
    public async Task A_bad_search_is_a_400_that_says_what_it_accepts(string query, string detail)
    {
        var (parsed, problem) = Parse(query);

        Assert.Null(parsed);
        var response = await HttpResults.Execute(problem!);
        Assert.Equal(400, response.Status);
        Assert.Contains(detail, response.Detail);
    }
}
