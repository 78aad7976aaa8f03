namespace Onboarding.Core.Metering;

/// <summary>Marketplace's per-record status in a BatchMeterUsage response.</summary>
public enum RecordStatus
{
    Success,
    CustomerNotSubscribed,
    DuplicateRecord,
}

/// <summary>A record as Marketplace echoes it back: enough to find the ledger entry it belongs to.</summary>
public readonly record struct RecordIdentity(string CustomerKey, string Dimension, DateTimeOffset Timestamp);

public sealed record RecordResult(RecordIdentity Record, RecordStatus Status, string? MeteringRecordId);

/// <summary>The outcome of one batch: settled entries and entries to retry on the next run.</summary>
public sealed record BatchOutcome(IReadOnlyList<LedgerUpdate> Settled, IReadOnlyList<(LedgerEntry Entry, string Reason)> Retry);

public static class MeteringResults
{
    public static RecordIdentity IdentityOf(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new RecordIdentity(entry.Key.CustomerKey, entry.Key.Dimension, entry.Key.Hour);
    }

    /// <summary>
    /// Matches the response to the batch. Results settle their entries; unprocessed records and records the
    /// response does not mention stay Pending, to be re-sent unchanged on the next run.
    /// </summary>
    public static BatchOutcome Interpret(
        UsageBatch batch, IReadOnlyCollection<RecordResult> results, IReadOnlyCollection<RecordIdentity> unprocessed)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(unprocessed);

        var byRecord = new Dictionary<RecordIdentity, RecordResult>();
        foreach (var result in results)
        {
            byRecord[Normalize(result.Record)] = result;
        }

        var unprocessedSet = unprocessed.Select(Normalize).ToHashSet();
        var settled = new List<LedgerUpdate>();
        var retry = new List<(LedgerEntry, string)>();
        foreach (var entry in batch.Entries)
        {
            var identity = IdentityOf(entry);
            if (unprocessedSet.Contains(identity))
            {
                retry.Add((entry, "Marketplace returned the record as unprocessed."));
            }
            else if (byRecord.TryGetValue(identity, out var result))
            {
                settled.Add(result.Status switch
                {
                    RecordStatus.Success => new LedgerUpdate(entry.Key, LedgerStatus.Reported, result.MeteringRecordId, null),
                    RecordStatus.CustomerNotSubscribed => new LedgerUpdate(
                        entry.Key, LedgerStatus.CustomerNotSubscribed, result.MeteringRecordId, "Marketplace: CustomerNotSubscribed."),
                    RecordStatus.DuplicateRecord => new LedgerUpdate(
                        entry.Key, LedgerStatus.DuplicateRecord, result.MeteringRecordId,
                        "Marketplace: DuplicateRecord (a different quantity was sent for this hour)."),
                    _ => throw new InvalidOperationException($"Unknown record status {result.Status}."),
                });
            }
            else
            {
                retry.Add((entry, "Marketplace's response did not mention the record."));
            }
        }

        return new BatchOutcome(settled, retry);
    }

    private static RecordIdentity Normalize(RecordIdentity record) => record with { Timestamp = record.Timestamp.ToUniversalTime() };
}
