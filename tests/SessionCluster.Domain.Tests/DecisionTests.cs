namespace SessionCluster.Domain.Tests;

public class DecisionTests
{
    [Fact]
    public void Accept_without_events_is_accepted_and_empty()
    {
        var decision = Decision.Accept();
        Assert.True(decision.IsAccepted);
        Assert.Null(decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Accept_keeps_the_events_in_order()
    {
        var a = new SessionCompleted(SessionDriver.T0);
        var b = new SessionKilled(SessionDriver.T0);
        Assert.Equal(new SessionEvent[] { a, b }, Decision.Accept(a, b).Events);
    }

    [Fact]
    public void Reject_has_no_events_and_the_code_and_reason()
    {
        var decision = Decision.Reject(RejectionCode.InvalidInput, "bad");
        Assert.False(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Equal(new Rejection(RejectionCode.InvalidInput, "bad"), decision.Rejection);
    }
}
