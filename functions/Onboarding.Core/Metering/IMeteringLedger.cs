namespace Onboarding.Core.Metering;

/// <summary>The ledger as the finance view reads it: nothing but the entries of a period.</summary>
public interface IMeteringLedgerReader
{
    /// <summary>Entries of every customer with hours in [from, to), for the finance view.</summary>
    Task<IReadOnlyList<LedgerEntry>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>The metering ledger (DynamoDB in production). All writes are conditional, so concurrent runs are safe.</summary>
public interface IMeteringLedger : IMeteringLedgerReader
{
    /// <summary>Creates the entry unless one exists for its key; returns false (and changes nothing) when it exists.</summary>
    Task<bool> TryCreateAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Moves a Pending entry to a final status; returns false when it is no longer Pending.</summary>
    Task<bool> TrySettleAsync(LedgerUpdate update, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Counts a failed attempt on a Pending entry (quantity untouched); returns false when it is no longer Pending.</summary>
    Task<bool> TryRecordAttemptAsync(UsageKey key, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    Task<LedgerEntry?> GetAsync(UsageKey key, CancellationToken cancellationToken);

    /// <summary>Every Pending entry, oldest hour first.</summary>
    Task<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken);

    /// <summary>The last hour whose usage is fully in the ledger, or null before the first run.</summary>
    Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken);

    /// <summary>Moves the watermark forward (never back).</summary>
    Task AdvanceWatermarkAsync(DateTimeOffset hour, CancellationToken cancellationToken);

    /// <summary>Entries of one customer with hours in [from, to).</summary>
    Task<IReadOnlyList<LedgerEntry>> ListByCustomerAsync(
        string customerKey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
