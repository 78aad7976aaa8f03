namespace Onboarding.Core.Metering;

/// <summary>
/// The ledger's rules without a database: create-if-absent and Pending-only transitions, exactly as the
/// DynamoDB adapter enforces them with conditional writes. For tests, benchmarks and dry runs, not production.
/// </summary>
public sealed class InMemoryMeteringLedger : IMeteringLedger
{
    private readonly Lock gate = new();
    private readonly Dictionary<UsageKey, LedgerEntry> entries = [];
    private DateTimeOffset? watermark;

    public IReadOnlyCollection<LedgerEntry> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries.Values];
            }
        }
    }

    public Task<bool> TryCreateAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            return Task.FromResult(entries.TryAdd(entry.Key, entry));
        }
    }

    public Task<bool> TrySettleAsync(LedgerUpdate update, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Status == LedgerStatus.Pending)
        {
            throw new ArgumentException("Settling moves an entry out of Pending.", nameof(update));
        }

        lock (gate)
        {
            if (!entries.TryGetValue(update.Key, out var entry) || entry.Status != LedgerStatus.Pending)
            {
                return Task.FromResult(false);
            }

            entries[update.Key] = entry with
            {
                Status = update.Status,
                UpdatedAt = now,
                MeteringRecordId = update.MeteringRecordId ?? entry.MeteringRecordId,
                Detail = update.Detail ?? entry.Detail,
            };
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryRecordAttemptAsync(UsageKey key, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!entries.TryGetValue(key, out var entry) || entry.Status != LedgerStatus.Pending)
            {
                return Task.FromResult(false);
            }

            entries[key] = entry with { Attempts = entry.Attempts + 1, Detail = reason, UpdatedAt = now };
            return Task.FromResult(true);
        }
    }

    public Task<LedgerEntry?> GetAsync(UsageKey key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(entries.GetValueOrDefault(key));
        }
    }

    public Task<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Select(e => e.Status == LedgerStatus.Pending));

    public Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(watermark);
        }
    }

    public Task AdvanceWatermarkAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (watermark is null || watermark < hour)
            {
                watermark = hour;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LedgerEntry>> ListByCustomerAsync(
        string customerKey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(Select(e => e.Key.CustomerKey == customerKey && e.Key.Hour >= from && e.Key.Hour < to));

    public Task<IReadOnlyList<LedgerEntry>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(Select(e => e.Key.Hour >= from && e.Key.Hour < to));

    private IReadOnlyList<LedgerEntry> Select(Func<LedgerEntry, bool> predicate)
    {
        lock (gate)
        {
            return [.. entries.Values.Where(predicate)
                .OrderBy(e => e.Key.Hour)
                .ThenBy(e => e.Key.CustomerKey, StringComparer.Ordinal)
                .ThenBy(e => e.Key.ProductCode, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Dimension, StringComparer.Ordinal)];
        }
    }
}
