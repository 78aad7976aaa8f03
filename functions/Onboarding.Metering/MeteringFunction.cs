using Microsoft.Extensions.Logging;
using Onboarding.Aws.Metering;
using Onboarding.Core.Metering;
using Onboarding.Core.Observability;
using Onboarding.Lambda.Events;

namespace Onboarding.Metering;

/// <summary>The scheduled Metering function: one run of <see cref="MeteringJob"/>, logged and published as metrics.</summary>
public sealed partial class MeteringFunction(
    MeteringJob job, IMeteredSubscriptions subscriptions, MeteringWindow window, TimeProvider clock, ILogger<MeteringFunction> logger, EmbeddedMetrics metrics)
{
    public async Task<MeteringRunReport> HandleAsync(ScheduledEvent? trigger, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        LogRunStarted(logger, trigger?.Id, trigger?.Time, now);

        // Subscriptions that ended inside the window still owe their last hours.
        var live = await subscriptions.ListAsync(MeteringHours.EarliestBillableHour(now, window) - MeteringHours.Hour * window.MaxFlaggedHours, cancellationToken)
            .ConfigureAwait(false);
        foreach (var customer in live.CustomersWithoutPlan)
        {
            LogWithoutPlan(logger, customer);
        }

        var report = await job.RunAsync(live.Subscriptions, now, cancellationToken).ConfigureAwait(false);
        report.SubscribersWithoutPlan = live.CustomersWithoutPlan.Count;

        LogRunFinished(logger, live.Subscriptions.Count, report.EntriesCreated, report.Calls, report.Reported, report.Retrying, report.Throttled);
        if (report.EntriesTooLate > 0 || report.EntriesExpired > 0 || report.CustomerNotSubscribed > 0 || report.DuplicateRecord > 0)
        {
            LogNeedsFinance(logger, report.EntriesTooLate, report.EntriesExpired, report.CustomerNotSubscribed, report.DuplicateRecord);
        }

        if (report.UnrecordedGap is { } gap)
        {
            LogGap(logger, gap.From, gap.To);
        }

        foreach (var error in report.Errors)
        {
            LogCallFailed(logger, error);
        }

        WriteMetrics(metrics, report);
        return report;
    }

    /// <summary>How long a run may work: until 5 s before Lambda's deadline, at least 5 s, at most Lambda's 15-minute maximum
    /// (a deadline far in the future, as emulators send, would overflow the timer).</summary>
    public static TimeSpan TimeBudget(TimeSpan remaining)
    {
        var budget = remaining - TimeSpan.FromSeconds(5);
        return budget < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5)
            : budget > TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15)
            : budget;
    }

    /// <summary>The name of the metric the template's alarm watches, emitted without dimensions.</summary>
    public const string FailedRecordsMetric = "MeteringFailedRecords";

    /// <summary>
    /// Two CloudWatch Embedded Metric Format lines: the run's counters under the Service dimension, and
    /// <see cref="FailedRecordsMetric"/> (records refused, expired or left unprocessed, and subscribers with access but no plan to
    /// bill from) with no dimensions, as the alarm expects.
    /// </summary>
    public static void WriteMetrics(EmbeddedMetrics output, MeteringRunReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.Emit(
        [
            new Metric("MeteringCalls", report.Calls),
            new Metric("MeteringFailedCalls", report.FailedCalls),
            new Metric("MeteringRecordsReported", report.Reported),
            new Metric("MeteringRecordsRetrying", report.Retrying),
            new Metric("MeteringCustomerNotSubscribed", report.CustomerNotSubscribed),
            new Metric("MeteringDuplicateRecords", report.DuplicateRecord),
            new Metric("MeteringRecordsTooLate", report.EntriesTooLate + report.EntriesExpired),
            new Metric("MeteringSubscribersWithoutPlan", report.SubscribersWithoutPlan),
        ]);
        output.EmitWithoutDimensions(
        [
            new Metric(
                FailedRecordsMetric,
                report.CustomerNotSubscribed + report.DuplicateRecord + report.EntriesTooLate + report.EntriesExpired + report.Retrying
                + report.SubscribersWithoutPlan),
        ]);
    }

    [LoggerMessage(1, LogLevel.Information, "Metering run started by event {EventId} scheduled at {ScheduledAt}, now {Now}")]
    private static partial void LogRunStarted(ILogger logger, string? eventId, DateTimeOffset? scheduledAt, DateTimeOffset now);

    [LoggerMessage(2, LogLevel.Information,
        "Metering run finished: {Subscriptions} subscriptions, {Created} new ledger entries, {Calls} BatchMeterUsage calls, {Reported} reported, {Retrying} left pending, throttled {Throttled}")]
    private static partial void LogRunFinished(ILogger logger, int subscriptions, int created, int calls, int reported, int retrying, bool throttled);

    [LoggerMessage(3, LogLevel.Warning,
        "Metering entries need finance attention: {TooLate} missed hours older than the window, {Expired} pending entries expired, {NotSubscribed} CustomerNotSubscribed, {Duplicate} DuplicateRecord")]
    private static partial void LogNeedsFinance(ILogger logger, int tooLate, int expired, int notSubscribed, int duplicate);

    [LoggerMessage(4, LogLevel.Error, "Metering outage longer than the flagged maximum: hours from {From} to {To} are not in the ledger")]
    private static partial void LogGap(ILogger logger, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(5, LogLevel.Warning, "BatchMeterUsage call failed; its records stay pending: {Error}")]
    private static partial void LogCallFailed(ILogger logger, string error);

    [LoggerMessage(6, LogLevel.Error,
        "Subscriber {CustomerId} has access but no entitlement plan in the subscribers table: its usage is not billed until one is written (a lifecycle re-plan writes it)")]
    private static partial void LogWithoutPlan(ILogger logger, string customerId);
}
