using Amazon.Runtime;
using Onboarding.Core.Metering;

namespace Onboarding.Aws.Metering;

/// <summary>
/// One metering run: computes usage of the completed hours into the ledger as Pending (fixed quantity,
/// before any call), then sends every Pending entry with BatchMeterUsage and records each answer.
/// A crash at any point bills nothing twice: an entry that was sent but not settled is re-sent
/// identically, and Marketplace treats an identical record as the same record.
/// </summary>
public sealed class MeteringJob(
    IMeteringLedger ledger, IMarketplaceMeteringClient marketplace, DimensionMap dimensions, MeteringWindow window)
{
    public const string TooLateDetail = "Missed by the metering job and older than Marketplace's 6-hour window: not billed.";

    /// <summary>The hourly run. <paramref name="subscriptions"/> must include subscriptions that ended within the window.</summary>
    public async Task<MeteringRunReport> RunAsync(
        IReadOnlyCollection<MeteredSubscription> subscriptions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        var report = new MeteringRunReport();
        var plan = MeteringHours.Plan(now, await ledger.GetWatermarkAsync(cancellationToken).ConfigureAwait(false), window);
        report.HoursPlanned = plan.Billable.Count + plan.TooLate.Count;
        report.UnrecordedGap = plan.Gap;

        foreach (var hour in plan.TooLate)
        {
            foreach (var line in UsageCalculator.ForHour(subscriptions, hour, dimensions))
            {
                if (await ledger.TryCreateAsync(LedgerEntry.Create(line, LedgerStatus.Expired, now, TooLateDetail), cancellationToken).ConfigureAwait(false))
                {
                    report.EntriesTooLate++;
                }
            }
        }

        foreach (var hour in plan.Billable)
        {
            foreach (var line in UsageCalculator.ForHour(subscriptions, hour, dimensions))
            {
                if (await ledger.TryCreateAsync(LedgerEntry.Create(line, LedgerStatus.Pending, now), cancellationToken).ConfigureAwait(false))
                {
                    report.EntriesCreated++;
                }
            }
        }

        // Only after every planned hour is in the ledger: a crash before this point recomputes the same entries.
        if (plan.NewWatermark is { } watermark)
        {
            await ledger.AdvanceWatermarkAsync(watermark, cancellationToken).ConfigureAwait(false);
        }

        var pending = await ledger.ListPendingAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(pending, now, report, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Final usage when a subscription ends (unsubscribe-pending, agreement ended): meters every live hour after the
    /// watermark, including the current, partial one, and sends this customer's Pending entries now.
    /// The hourly run later finds these entries already in the ledger and does not write them again.
    /// </summary>
    public async Task<MeteringRunReport> SendFinalUsageAsync(
        MeteredSubscription subscription, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var report = new MeteringRunReport();
        var from = MeteringHours.EarliestBillableHour(now, window);
        var current = MeteringHours.HourStart(now);
        // Hours up to the watermark were planned by hourly runs already; only the hours after it are owed.
        var watermark = await ledger.GetWatermarkAsync(cancellationToken).ConfigureAwait(false);
        var firstOwed = watermark is { } w && w + MeteringHours.Hour > from ? w + MeteringHours.Hour : from;
        for (var hour = firstOwed; hour <= current; hour += MeteringHours.Hour)
        {
            report.HoursPlanned++;
            foreach (var line in UsageCalculator.ForHour([subscription], hour, dimensions))
            {
                if (await ledger.TryCreateAsync(LedgerEntry.Create(line, LedgerStatus.Pending, now), cancellationToken).ConfigureAwait(false))
                {
                    report.EntriesCreated++;
                }
            }
        }

        var entries = await ledger.ListByCustomerAsync(subscription.CustomerKey, from, current + MeteringHours.Hour, cancellationToken)
            .ConfigureAwait(false);
        await SendAsync([.. entries.Where(e => e.Status == LedgerStatus.Pending)], now, report, cancellationToken).ConfigureAwait(false);
        return report;
    }

    private async Task SendAsync(
        IReadOnlyList<LedgerEntry> pending, DateTimeOffset now, MeteringRunReport report, CancellationToken cancellationToken)
    {
        var sendable = new List<LedgerEntry>(pending.Count);
        foreach (var entry in pending)
        {
            if (window.AcceptsHour(entry.Key.Hour, now))
            {
                sendable.Add(entry);
                continue;
            }

            var detail = entry.Attempts > 0
                ? $"Left Marketplace's 6-hour window after {entry.Attempts} unconfirmed attempt(s); an earlier send may have been accepted."
                : "Left Marketplace's 6-hour window before it could be sent: not billed.";
            if (await ledger.TrySettleAsync(new LedgerUpdate(entry.Key, LedgerStatus.Expired, null, detail), now, cancellationToken).ConfigureAwait(false))
            {
                report.EntriesExpired++;
            }
        }

        var batches = UsageBatches.Chunk(sendable);
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            BatchMeterUsageResponse response;
            try
            {
                report.Calls++;
                response = await marketplace.BatchMeterUsageAsync(ToRequest(batch), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report.FailedCalls++;
                report.Errors.Add($"BatchMeterUsage for {batch.ProductCode} ({batch.Entries.Count} records): {e.GetType().Name}: {e.Message}");
                await RecordAttemptsAsync(batch.Entries, $"{e.GetType().Name}: {e.Message}", now, cancellationToken).ConfigureAwait(false);
                if (IsThrottling(e))
                {
                    // Back off until the next run rather than hammering a throttled API; everything stays Pending.
                    report.Throttled = true;
                    report.Retrying += batch.Entries.Count + batches.Skip(i + 1).Sum(b => b.Entries.Count);
                    return;
                }

                report.Retrying += batch.Entries.Count;
                continue;
            }

            var outcome = MeteringResults.Interpret(
                batch,
                // A result without its record, or with a status we do not know, leaves the entry Pending for the next run.
                [.. (response.Results ?? []).Select(ToResult).OfType<RecordResult>()],
                [.. (response.UnprocessedRecords ?? []).Select(IdentityOf)]);

            foreach (var update in outcome.Settled)
            {
                if (await ledger.TrySettleAsync(update, now, cancellationToken).ConfigureAwait(false))
                {
                    switch (update.Status)
                    {
                        case LedgerStatus.Reported: report.Reported++; break;
                        case LedgerStatus.CustomerNotSubscribed: report.CustomerNotSubscribed++; break;
                        case LedgerStatus.DuplicateRecord: report.DuplicateRecord++; break;
                    }
                }
            }

            foreach (var (entry, reason) in outcome.Retry)
            {
                report.Retrying++;
                await ledger.TryRecordAttemptAsync(entry.Key, reason, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RecordAttemptsAsync(IEnumerable<LedgerEntry> entries, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            await ledger.TryRecordAttemptAsync(entry.Key, reason, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public static bool IsThrottling(Exception exception) => exception is AmazonServiceException service
        && (service.ErrorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException"
            || (int)service.StatusCode == 429);

    /// <summary>The record for a ledger entry. Always the same for the same entry, which is what makes re-sends idempotent.</summary>
    public static UsageRecord ToRecord(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new UsageRecord
        {
            Timestamp = entry.Key.Hour.UtcDateTime,
            CustomerIdentifier = entry.CustomerIdentifier,
            CustomerAWSAccountId = entry.CustomerAwsAccountId,
            LicenseArn = entry.LicenseArn,
            Dimension = entry.Key.Dimension,
            Quantity = entry.Quantity,
        };
    }

    private static BatchMeterUsageRequest ToRequest(UsageBatch batch) => new()
    {
        ProductCode = batch.ProductCode,
        UsageRecords = [.. batch.Entries.Select(ToRecord)],
    };

    private static RecordIdentity IdentityOf(UsageRecord record) => new(
        record.LicenseArn is { Length: > 0 } license ? license : record.CustomerIdentifier ?? "",
        record.Dimension,
        new DateTimeOffset(record.Timestamp.Kind == DateTimeKind.Local
            ? record.Timestamp.ToUniversalTime()
            : DateTime.SpecifyKind(record.Timestamp, DateTimeKind.Utc)));

    private static RecordResult? ToResult(UsageRecordResult result)
    {
        RecordStatus? status = result.Status switch
        {
            "Success" => RecordStatus.Success,
            "CustomerNotSubscribed" => RecordStatus.CustomerNotSubscribed,
            "DuplicateRecord" => RecordStatus.DuplicateRecord,
            _ => null,
        };
        return result.UsageRecord is { } record && status is { } known
            ? new RecordResult(IdentityOf(record), known, result.MeteringRecordId)
            : null;
    }
}
