using System.Text.Json;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.Metering;
using Onboarding.Core.Metering;

namespace Onboarding.Metering;

/// <summary>The scheduled Metering function: one run of <see cref="MeteringJob"/>, logged and published as metrics.</summary>
public sealed partial class MeteringFunction(
    MeteringJob job, IMeteredSubscriptions subscriptions, MeteringWindow window, TimeProvider clock, ILogger<MeteringFunction> logger, TextWriter metrics)
{
    public async Task<MeteringRunReport> HandleAsync(ScheduledEvent? trigger, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        LogRunStarted(logger, trigger?.Id, trigger?.Time, now);

        // Subscriptions that ended inside the window still owe their last hours.
        var live = await subscriptions.ListAsync(MeteringHours.EarliestBillableHour(now, window) - MeteringHours.Hour * window.MaxFlaggedHours, cancellationToken)
            .ConfigureAwait(false);
        var report = await job.RunAsync(live, now, cancellationToken).ConfigureAwait(false);

        LogRunFinished(logger, live.Count, report.EntriesCreated, report.Calls, report.Reported, report.Retrying, report.Throttled);
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

        WriteMetrics(metrics, report, now);
        return report;
    }

    /// <summary>One CloudWatch Embedded Metric Format line.</summary>
    public static void WriteMetrics(TextWriter output, MeteringRunReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        (string Name, int Value)[] values =
        [
            ("MeteringCalls", report.Calls),
            ("MeteringFailedCalls", report.FailedCalls),
            ("MeteringRecordsReported", report.Reported),
            ("MeteringRecordsRetrying", report.Retrying),
            ("MeteringCustomerNotSubscribed", report.CustomerNotSubscribed),
            ("MeteringDuplicateRecords", report.DuplicateRecord),
            ("MeteringRecordsTooLate", report.EntriesTooLate + report.EntriesExpired),
        ];

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", "Onboarding");
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Function");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, _) in values)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", "Count");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Function", "metering");
            foreach (var (name, value) in values)
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
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
}
