using Amazon.Runtime;
using Onboarding.Aws.Marketplace;
using Onboarding.Core.Metering;

namespace Onboarding.Aws.Metering;

/// <summary>
/// One metering run: computes usage of the completed hours into the ledger as Pending (fixed quantity,
/// before any call), then sends every Pending entry with BatchMeterUsage and records each answer.
/// A crash at any point bills nothing twice: an entry that was sent but not settled is re-sent
/// identically, and Marketplace treats an identical record as the same record.
/// </summary>
/// <param name="ledgerParallelism">Ledger writes in flight at once: each is one conditional DynamoDB request,
/// and 20,000 of them in sequence would dominate a 10,000-customer run.</param>
public sealed class MeteringJob(
    IMeteringLedger ledger,
    IAmazonAWSMarketplaceMetering marketplace,
    DimensionMap dimensions,
    MeteringWindow window,
    int ledgerParallelism = MeteringJob.DefaultLedgerParallelism)
{
    public const int DefaultLedgerParallelism = 16;

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

        report.EntriesTooLate = await CreateAsync(
            plan.TooLate.SelectMany(hour => UsageCalculator.ForHour(subscriptions, hour, dimensions))
                .Select(line => LedgerEntry.Create(line, LedgerStatus.Expired, now, TooLateDetail)),
            cancellationToken).ConfigureAwait(false);
        report.EntriesCreated = await CreateAsync(
            plan.Billable.SelectMany(hour => UsageCalculator.ForHour(subscriptions, hour, dimensions))
                .Select(line => LedgerEntry.Create(line, LedgerStatus.Pending, now)),
            cancellationToken).ConfigureAwait(false);

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
        var hours = new List<DateTimeOffset>();
        for (var hour = firstOwed; hour <= current; hour += MeteringHours.Hour)
        {
            hours.Add(hour);
        }

        report.HoursPlanned = hours.Count;
        report.EntriesCreated = await CreateAsync(
            hours.SelectMany(hour => UsageCalculator.ForHour([subscription], hour, dimensions))
                .Select(line => LedgerEntry.Create(line, LedgerStatus.Pending, now)),
            cancellationToken).ConfigureAwait(false);

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

            var settled = new bool[outcome.Settled.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, settled.Length),
                Options(cancellationToken),
                async (index, token) => settled[index] = await ledger.TrySettleAsync(outcome.Settled[index], now, token).ConfigureAwait(false))
                .ConfigureAwait(false);
            for (var index = 0; index < settled.Length; index++)
            {
                if (!settled[index])
                {
                    continue; // another run settled it first
                }

                switch (outcome.Settled[index].Status)
                {
                    case LedgerStatus.Reported: report.Reported++; break;
                    case LedgerStatus.CustomerNotSubscribed: report.CustomerNotSubscribed++; break;
                    case LedgerStatus.DuplicateRecord: report.DuplicateRecord++; break;
                }
            }

            report.Retrying += outcome.Retry.Count;
            await Parallel.ForEachAsync(
                outcome.Retry,
                Options(cancellationToken),
                async (retry, token) => await ledger.TryRecordAttemptAsync(retry.Entry.Key, retry.Reason, now, token).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
    }

    private Task RecordAttemptsAsync(IEnumerable<LedgerEntry> entries, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            entries,
            Options(cancellationToken),
            async (entry, token) => await ledger.TryRecordAttemptAsync(entry.Key, reason, now, token).ConfigureAwait(false));

    /// <summary>Creates the entries that are not in the ledger yet; returns how many were new.</summary>
    private async Task<int> CreateAsync(IEnumerable<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        var created = 0;
        await Parallel.ForEachAsync(
            entries,
            Options(cancellationToken),
            async (entry, token) =>
            {
                if (await ledger.TryCreateAsync(entry, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref created);
                }
            }).ConfigureAwait(false);
        return created;
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, ledgerParallelism), CancellationToken = cancellationToken };

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

    private static RecordIdentity IdentityOf(UsageRecord record)
    {
        var timestamp = record.Timestamp ?? DateTime.MinValue;
        return new(
            record.LicenseArn is { Length: > 0 } license ? license : record.CustomerIdentifier ?? "",
            record.Dimension ?? "",
            new DateTimeOffset(timestamp.Kind == DateTimeKind.Local
                ? timestamp.ToUniversalTime()
                : DateTime.SpecifyKind(timestamp, DateTimeKind.Utc)));
    }

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
