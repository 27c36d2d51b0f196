namespace SessionCluster.EndToEnd.Tests;

/// <summary>One persistence id's rows in the journal table: how many, how many distinct sequence numbers, the highest.</summary>
internal sealed record JournalRows(long Count, long Distinct, long MaxSequence)
{
    /// <summary>Rows 1..n, each once: nothing lost in the middle, nothing written twice.</summary>
    public bool Consistent => Count == Distinct && Count == MaxSequence;
}
