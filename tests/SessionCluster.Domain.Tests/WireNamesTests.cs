using System.Text.RegularExpressions;

namespace SessionCluster.Domain.Tests;

public class WireNamesTests
{
    private static readonly Regex KebabCase = new("^[a-z]+(-[a-z]+)*$");

    [Theory]
    [InlineData(SessionStatus.Starting, "starting")]
    [InlineData(SessionStatus.Running, "running")]
    [InlineData(SessionStatus.WaitingForInput, "waiting-for-input")]
    [InlineData(SessionStatus.Completed, "completed")]
    [InlineData(SessionStatus.Failed, "failed")]
    [InlineData(SessionStatus.Killed, "killed")]
    [InlineData(SessionStatus.Interrupted, "interrupted")]
    public void Status_names_are_stable_and_round_trip(SessionStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(WireNames.TryParseStatus(wire, out var parsed));
        Assert.Equal(status, parsed);
        Assert.True(WireNames.TryParseStatus(wire.ToUpperInvariant(), out parsed));
        Assert.Equal(status, parsed);
        Assert.True(WireNames.TryParseStatus($"  {wire} ", out parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData(WaitingReason.None, "none")]
    [InlineData(WaitingReason.NextTurn, "next-turn")]
    [InlineData(WaitingReason.Question, "question")]
    [InlineData(WaitingReason.Permission, "permission")]
    public void Waiting_reason_names_are_stable_and_round_trip(WaitingReason reason, string wire)
    {
        Assert.Equal(wire, reason.ToWire());
        Assert.True(WireNames.TryParseWaitingReason(wire, out var parsed));
        Assert.Equal(reason, parsed);
        Assert.True(WireNames.TryParseWaitingReason(wire.ToUpperInvariant(), out parsed));
        Assert.Equal(reason, parsed);
    }

    [Theory]
    [InlineData(ErrorKind.Auth, "auth")]
    [InlineData(ErrorKind.ModelApiUnreachable, "model-api-unreachable")]
    [InlineData(ErrorKind.ModelApiError, "model-api-error")]
    [InlineData(ErrorKind.AgentBinaryMissing, "agent-binary-missing")]
    [InlineData(ErrorKind.BadWorkdir, "bad-workdir")]
    [InlineData(ErrorKind.NonZeroExit, "non-zero-exit")]
    [InlineData(ErrorKind.CrashBySignal, "crash-by-signal")]
    [InlineData(ErrorKind.NoResult, "no-result")]
    [InlineData(ErrorKind.AgentError, "agent-error")]
    [InlineData(ErrorKind.NodeLost, "node-lost")]
    public void Error_kind_names_are_stable_and_round_trip(ErrorKind kind, string wire)
    {
        Assert.Equal(wire, kind.ToWire());
        Assert.True(WireNames.TryParseErrorKind(wire, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.True(WireNames.TryParseErrorKind(wire.ToUpperInvariant(), out parsed));
        Assert.Equal(kind, parsed);
    }

    [Fact]
    public void Every_enum_value_has_a_distinct_kebab_case_name_that_round_trips()
    {
        AssertAll(Enum.GetValues<SessionStatus>(), v => v.ToWire(), (string s, out SessionStatus v) => WireNames.TryParseStatus(s, out v));
        AssertAll(Enum.GetValues<WaitingReason>().Distinct().ToArray(), v => v.ToWire(), (string s, out WaitingReason v) => WireNames.TryParseWaitingReason(s, out v));
        AssertAll(Enum.GetValues<ErrorKind>(), v => v.ToWire(), (string s, out ErrorKind v) => WireNames.TryParseErrorKind(s, out v));
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static void AssertAll<T>(T[] values, Func<T, string> toWire, TryParse<T> parse) where T : struct, Enum
    {
        var names = values.Select(toWire).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var value in values)
        {
            var name = toWire(value);
            Assert.Matches(KebabCase, name);
            Assert.True(parse(name, out var parsed), name);
            Assert.Equal(value, parsed);
            Assert.True(parse(char.ToUpperInvariant(name[0]) + name[1..], out parsed), name);
            Assert.Equal(value, parsed);
        }
    }

    [Fact]
    public void AllStatuses_lists_every_status_name()
    {
        Assert.Equal(
            Enum.GetValues<SessionStatus>().Select(s => s.ToWire()).Order(),
            WireNames.AllStatuses.Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("Running!")]
    [InlineData("WaitingForInput")]
    [InlineData("waiting_for_input")]
    [InlineData("waiting")]
    [InlineData("done")]
    [InlineData("2")]
    public void Unknown_status_names_do_not_parse(string? text)
    {
        Assert.False(WireNames.TryParseStatus(text, out var status));
        Assert.Equal(default, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("NextTurn")]
    [InlineData("permission-request")]
    public void Unknown_waiting_reasons_do_not_parse(string? text)
    {
        Assert.False(WireNames.TryParseWaitingReason(text, out var reason));
        Assert.Equal(default, reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("NodeLost")]
    [InlineData("oom")]
    [InlineData("0")]
    public void Unknown_error_kinds_do_not_parse(string? text)
    {
        Assert.False(WireNames.TryParseErrorKind(text, out var kind));
        Assert.Equal(default, kind);
    }

    [Fact]
    public void Parsing_is_case_insensitive_in_any_mix()
    {
        Assert.True(WireNames.TryParseStatus("Waiting-For-INPUT", out var status));
        Assert.Equal(SessionStatus.WaitingForInput, status);
        Assert.True(WireNames.TryParseWaitingReason("PERMISSION", out var reason));
        Assert.Equal(WaitingReason.Permission, reason);
        Assert.True(WireNames.TryParseErrorKind("CRASH-by-Signal", out var kind));
        Assert.Equal(ErrorKind.CrashBySignal, kind);
    }

    [Fact]
    public void The_journal_reads_the_waiting_reason_name_reserved_before_anything_produced_it()
    {
        Assert.True(WireNames.TryParseWaitingReason("permission-request", out var reason, legacy: true));
        Assert.Equal(WaitingReason.Permission, reason);
        Assert.Equal("permission", reason.ToWire());
    }

    [Theory]
    [InlineData(PermissionMode.Ask, "ask")]
    [InlineData(PermissionMode.AcceptEdits, "accept-edits")]
    [InlineData(PermissionMode.Bypass, "bypass")]
    [InlineData(PermissionMode.Plan, "plan")]
    public void Permission_mode_names_are_stable_and_round_trip(PermissionMode mode, string wire)
    {
        Assert.Equal(wire, mode.ToWire());
        Assert.True(WireNames.TryParsePermissionMode(wire.ToUpperInvariant(), out var back));
        Assert.Equal(mode, back);
        Assert.False(WireNames.TryParsePermissionMode("acceptEdits", out _));
    }
}
