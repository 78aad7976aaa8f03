namespace Onboarding.Core.Metering;

/// <summary>One BatchMeterUsage call: a single product code and at most 25 records.</summary>
public sealed record UsageBatch(string ProductCode, IReadOnlyList<LedgerEntry> Entries);

public static class UsageBatches
{
    /// <summary>BatchMeterUsage accepts at most 25 usage records per call.</summary>
    public const int MaxRecordsPerCall = 25;

    public static IReadOnlyList<UsageBatch> Chunk(IEnumerable<LedgerEntry> entries, int maxPerCall = MaxRecordsPerCall)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPerCall, MaxRecordsPerCall);

        var batches = new List<UsageBatch>();
        foreach (var product in entries.GroupBy(e => e.Key.ProductCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var chunk in product.Chunk(maxPerCall))
            {
                batches.Add(new UsageBatch(product.Key, chunk));
            }
        }

        return batches;
    }
}
