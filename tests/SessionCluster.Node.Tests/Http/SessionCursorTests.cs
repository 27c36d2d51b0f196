using SessionCluster.Actors.Directory;
using SessionCluster.Domain;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Tests.Http;

public sealed class SessionCursorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static SessionState Session(string id, DateTimeOffset createdAt, SessionStatus status = SessionStatus.Completed) => new()
    {
        Id = id,
        Name = id,
        Launch = new LaunchSpec("claude", "p", "/w", null, true, 10, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty),
        Status = status,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    [Fact]
    public void A_cursor_round_trips_to_the_tick_and_is_url_safe()
    {
        var position = new ListPosition(T0.AddTicks(1234567), "a1b2c3d4e5f6");

        var cursor = SessionCursor.Encode(position);

        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.Equal(position, SessionCursor.Decode(cursor));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AAAA")]
    [InlineData("MTIz")] // "123": no id
    [InlineData("OjEyMw")] // ":123": no time
    [InlineData("LTE6YQ")] // "-1:a"
    [InlineData("MTI6YS9i")] // "12:a/b": not a session id
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ")] // ticks past the last date
    public void Anything_the_node_did_not_give_out_is_refused(string cursor)
    {
        Assert.Null(SessionCursor.Decode(cursor));
    }

    [Fact]
    public void Paging_newest_first_visits_every_session_once_even_with_equal_creation_times()
    {
        var sessions = Enumerable.Range(0, 23)
            .Select(i => Session($"s{i:D2}", T0.AddSeconds(i / 3)))
            .ToList();
        var seen = new List<string>();
        ListPosition? after = null;
        var pages = 0;
        do
        {
            var page = new ListSessions(new HashSet<SessionStatus>(), null, 5, after).Answer(sessions);
            seen.AddRange(page.Sessions.Select(s => s.Id));
            pages++;
            after = page.HasMore ? SessionCursor.Decode(SessionCursor.Encode(ListPosition.Of(page.Sessions[^1]))) : null;
        }
        while (after is not null);

        Assert.Equal(5, pages);
        var expected = sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Select(s => s.Id);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void Filters_apply_before_the_page_is_cut()
    {
        var sessions = new[]
        {
            Session("a", T0, SessionStatus.Running),
            Session("b", T0.AddSeconds(1), SessionStatus.Completed),
            Session("c", T0.AddSeconds(2), SessionStatus.Running),
            Session("d", T0.AddSeconds(3), SessionStatus.Running),
        };

        var page = new ListSessions(new HashSet<SessionStatus> { SessionStatus.Running }, "claude", 2).Answer(sessions);

        Assert.Equal(["d", "c"], page.Sessions.Select(s => s.Id));
        Assert.True(page.HasMore);
        var rest = new ListSessions(new HashSet<SessionStatus> { SessionStatus.Running }, "claude", 2, ListPosition.Of(page.Sessions[^1])).Answer(sessions);
        Assert.Equal(["a"], rest.Sessions.Select(s => s.Id));
        Assert.False(rest.HasMore);
    }
}
