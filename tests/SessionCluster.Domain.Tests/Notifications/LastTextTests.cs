namespace SessionCluster.Domain.Tests.Notifications;

/// <summary>What the agent said last: carried from the turn's report into its event and the state, bounded.</summary>
public class LastTextTests
{
    [Fact]
    public void A_turns_last_text_goes_into_its_event_and_the_state()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => SessionDriver.TurnResult(at) with { LastText = "All tests pass." });

        Assert.Equal("All tests pass.", Assert.IsType<TurnCompleted>(decision.Events[0]).LastText);
        Assert.Equal("All tests pass.", driver.S.LastText);
        Assert.Equal(driver.S, driver.Replay());
    }

    [Fact]
    public void Only_the_last_500_characters_are_kept()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        var said = "start " + new string('a', 700) + " the end";

        var decision = driver.Send(at => SessionDriver.TurnResult(at) with { LastText = said });

        Assert.Equal(said[^SessionState.LastTextChars..], Assert.IsType<TurnCompleted>(decision.Events[0]).LastText);
        Assert.Equal(SessionState.LastTextChars, driver.S.LastText!.Length);
        Assert.EndsWith(" the end", driver.S.LastText);
        // An event from elsewhere (an older node's) is bounded when applied too.
        var applied = Session.Apply(driver.S, new TurnCompleted(0.5m, TokenUsage.Zero, driver.Now, 0, said + "!"));
        Assert.Equal(SessionState.LastTextChars, applied.LastText!.Length);
        Assert.EndsWith(" the end!", applied.LastText);
    }

    [Fact]
    public void A_turn_that_says_nothing_keeps_the_words_of_the_one_before()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => SessionDriver.TurnResult(at) with { LastText = "First part done." });
        driver.Accept(at => new Respond("go on", false, at));

        var decision = driver.Send(at => SessionDriver.TurnResult(at));

        Assert.Null(Assert.IsType<TurnCompleted>(decision.Events[0]).LastText);
        Assert.Equal("First part done.", driver.S.LastText);
        Assert.Equal(2, driver.S.TurnsCompleted);
    }

    [Fact]
    public void An_error_result_records_no_turn_and_no_text()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => SessionDriver.TurnResult(at, isError: true) with { LastText = "API Error: 500" });

        Assert.Empty(decision.Events);
        Assert.Null(driver.S.LastText);
    }
}
