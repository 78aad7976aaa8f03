using Onboarding.Core.Metering;

namespace Onboarding.IntegrationTests.Metering;

/// <summary>A ledger whose process "dies" right after Marketplace answered: no answer is ever written.</summary>
internal sealed class CrashingLedger(IMeteringLedger inner) : IMeteringLedger
{
    public Task<bool> TrySettleAsync(LedgerUpdate update, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new SimulatedCrashException();

    public Task<bool> TryCreateAsync(LedgerEntry entry, CancellationToken cancellationToken) => inner.TryCreateAsync(entry, cancellationToken);

    public Task<bool> TryRecordAttemptAsync(UsageKey key, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.TryRecordAttemptAsync(key, reason, now, cancellationToken);

    public Task<LedgerEntry?> GetAsync(UsageKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken) => inner.ListPendingAsync(cancellationToken);

    public Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken) => inner.GetWatermarkAsync(cancellationToken);

    public Task AdvanceWatermarkAsync(DateTimeOffset hour, CancellationToken cancellationToken) => inner.AdvanceWatermarkAsync(hour, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> ListByCustomerAsync(string customerKey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        inner.ListByCustomerAsync(customerKey, from, to, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        inner.ListByPeriodAsync(from, to, cancellationToken);
}

internal sealed class SimulatedCrashException() : Exception("Simulated crash between the Marketplace call and the ledger write.");
