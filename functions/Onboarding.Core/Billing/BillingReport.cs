using System.Globalization;
using System.Text;

namespace Onboarding.Core.Billing;

/// <summary>One metering-ledger record as finance sees it: what we reported for an hour and Marketplace's answer.</summary>
/// <param name="Status">Marketplace's answer (Success, CustomerNotSubscribed, DuplicateRecord) or ours (Pending, Unprocessed, TooLate).</param>
public sealed record BillingLine(
    string CustomerId,
    string Dimension,
    DateTimeOffset Hour,
    long Quantity,
    string Status,
    string? MeteringRecordId = null,
    string? Message = null)
{
    public const string Success = "Success";

    public bool IsBilled => Status == Success;
}

public enum BillingPeriod
{
    Hour,
    Day,
    Month,
}

/// <summary>Which lines a finance user asked for; every part is optional.</summary>
public sealed record BillingFilter(
    string? CustomerId = null,
    string? Dimension = null,
    string? Status = null,
    DateOnly? From = null,
    DateOnly? To = null)
{
    public bool Matches(BillingLine line) =>
        (string.IsNullOrEmpty(CustomerId) || line.CustomerId == CustomerId) &&
        (string.IsNullOrEmpty(Dimension) || line.Dimension == Dimension) &&
        (string.IsNullOrEmpty(Status) || line.Status == Status) &&
        (From is null || DateOnly.FromDateTime(line.Hour.UtcDateTime) >= From) &&
        (To is null || DateOnly.FromDateTime(line.Hour.UtcDateTime) <= To);
}

/// <summary>A period's usage for one customer and dimension: billed, still pending, and refused or failed.</summary>
public sealed record BillingRow(
    DateTimeOffset PeriodStart,
    string CustomerId,
    string Dimension,
    long BilledQuantity,
    long PendingQuantity,
    long NotBilledQuantity,
    int Records);

/// <summary>The finance view's numbers: rows per period, totals, and a time series for the chart.</summary>
public sealed record BillingReport(
    BillingPeriod Period,
    IReadOnlyList<BillingRow> Rows,
    IReadOnlyList<BillingRow> TotalsByCustomerAndDimension,
    IReadOnlyList<(DateTimeOffset PeriodStart, long BilledQuantity)> Series,
    long BilledTotal,
    long PendingTotal,
    long NotBilledTotal)
{
    /// <summary>Statuses that mean "not billed yet, will be retried".</summary>
    public static readonly IReadOnlySet<string> PendingStatuses = new HashSet<string>(StringComparer.Ordinal) { "Pending", "Unprocessed", "Throttled" };

    public static BillingReport Build(IEnumerable<BillingLine> lines, BillingFilter filter, BillingPeriod period)
    {
        var selected = lines.Where(filter.Matches).ToList();
        var rows = Aggregate(selected, line => PeriodStart(line.Hour, period))
            .OrderBy(r => r.PeriodStart).ThenBy(r => r.CustomerId, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal)
            .ToList();
        var totals = Aggregate(selected, _ => DateTimeOffset.MinValue)
            .OrderBy(r => r.CustomerId, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal)
            .ToList();
        var series = rows.GroupBy(r => r.PeriodStart)
            .Select(g => (g.Key, g.Sum(r => r.BilledQuantity)))
            .OrderBy(p => p.Key)
            .ToList();
        return new BillingReport(
            period,
            rows,
            totals,
            series,
            rows.Sum(r => r.BilledQuantity),
            rows.Sum(r => r.PendingQuantity),
            rows.Sum(r => r.NotBilledQuantity));
    }

    public static DateTimeOffset PeriodStart(DateTimeOffset hour, BillingPeriod period)
    {
        var utc = hour.ToUniversalTime();
        return period switch
        {
            BillingPeriod.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            BillingPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BillingPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown billing period."),
        };
    }

    /// <summary>
    /// The lines as CSV (RFC 4180) for spreadsheets. Cells that a spreadsheet would run as a formula
    /// (starting with = + - @) are prefixed with an apostrophe.
    /// </summary>
    public static string ToCsv(IEnumerable<BillingLine> lines)
    {
        var csv = new StringBuilder();
        csv.Append("customer_id,dimension,hour_utc,quantity,status,metering_record_id,message\r\n");
        foreach (var line in lines.OrderBy(l => l.Hour).ThenBy(l => l.CustomerId, StringComparer.Ordinal).ThenBy(l => l.Dimension, StringComparer.Ordinal))
        {
            csv.Append(Cell(line.CustomerId)).Append(',')
                .Append(Cell(line.Dimension)).Append(',')
                .Append(line.Hour.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
                .Append(line.Quantity.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(line.Status)).Append(',')
                .Append(Cell(line.MeteringRecordId)).Append(',')
                .Append(Cell(line.Message)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static IEnumerable<BillingRow> Aggregate(IEnumerable<BillingLine> lines, Func<BillingLine, DateTimeOffset> periodOf) =>
        lines.GroupBy(l => (Period: periodOf(l), l.CustomerId, l.Dimension))
            .Select(g => new BillingRow(
                g.Key.Period,
                g.Key.CustomerId,
                g.Key.Dimension,
                g.Where(l => l.IsBilled).Sum(l => l.Quantity),
                g.Where(l => PendingStatuses.Contains(l.Status)).Sum(l => l.Quantity),
                g.Where(l => !l.IsBilled && !PendingStatuses.Contains(l.Status)).Sum(l => l.Quantity),
                g.Count()));
}
