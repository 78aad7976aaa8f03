using System.Globalization;
using System.Text;

namespace Onboarding.Core.Metering;

public enum BillingPeriod
{
    Hour,
    Day,
    Month,
}

/// <summary>Totals of one customer, product and dimension over one period, split by what Marketplace answered.</summary>
/// <param name="Reported">Quantity Marketplace accepted (billed).</param>
/// <param name="Pending">Quantity written but not yet confirmed; retried by the next run.</param>
/// <param name="NotBilled">Quantity Marketplace refused or that expired: the entries finance should look at.</param>
public sealed record BillingTotal(
    string CustomerKey, string ProductCode, string Dimension, DateTimeOffset PeriodStart, long Reported, long Pending, long NotBilled, int Entries);

/// <summary>Totals under one name (a customer, a dimension) or one period start (a day, a month).</summary>
public sealed record BillingSubtotal(string Name, DateTimeOffset? PeriodStart, long Reported, long Pending, long NotBilled, int Entries);

/// <summary>Which ledger entries a finance user asked for; every part is optional. Dates are UTC and inclusive.</summary>
/// <param name="Customer">Matches the ledger's customer key (license ARN or customer identifier) or the AWS account id.</param>
public sealed record BillingFilter(
    string? Customer = null,
    string? Dimension = null,
    LedgerStatus? Status = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? ProductCode = null)
{
    public bool Matches(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var day = DateOnly.FromDateTime(entry.Key.Hour.UtcDateTime);
        return (string.IsNullOrEmpty(Customer) || entry.Key.CustomerKey == Customer || entry.CustomerAwsAccountId == Customer
                || entry.CustomerIdentifier == Customer)
            && (string.IsNullOrEmpty(Dimension) || entry.Key.Dimension == Dimension)
            && (string.IsNullOrEmpty(ProductCode) || entry.Key.ProductCode == ProductCode)
            && (Status is null || entry.Status == Status)
            && (From is null || day >= From)
            && (To is null || day <= To);
    }

    /// <summary>The half-open hour range to read from the ledger: [From 00:00, To+1 00:00).</summary>
    public (DateTimeOffset From, DateTimeOffset To) HourRange(DateOnly defaultFrom, DateOnly defaultTo)
    {
        var from = From ?? defaultFrom;
        var to = To ?? defaultTo;
        return (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }
}

/// <summary>The finance view's numbers for one selection of ledger entries.</summary>
/// <param name="Rows">Per <paramref name="Period"/>, customer, product and dimension.</param>
/// <param name="Series">Per <paramref name="Period"/> over every customer: the chart.</param>
public sealed record BillingReport(
    BillingPeriod Period,
    IReadOnlyList<BillingTotal> Rows,
    IReadOnlyList<BillingSubtotal> ByCustomer,
    IReadOnlyList<BillingSubtotal> ByDimension,
    IReadOnlyList<BillingSubtotal> ByDay,
    IReadOnlyList<BillingSubtotal> ByMonth,
    IReadOnlyList<BillingSubtotal> Series,
    long Reported,
    long Pending,
    long NotBilled,
    int Entries);

/// <summary>The finance view's arithmetic over metering-ledger entries: totals per customer, dimension and period, and CSV.</summary>
public static class BillingSummary
{
    public static DateTimeOffset PeriodStart(DateTimeOffset hour, BillingPeriod period)
    {
        var utc = hour.ToUniversalTime();
        return period switch
        {
            BillingPeriod.Hour => MeteringHours.HourStart(utc),
            BillingPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BillingPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown billing period."),
        };
    }

    public static IReadOnlyList<BillingTotal> Totals(IEnumerable<LedgerEntry> entries, BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return [.. entries
            .GroupBy(e => (e.Key.CustomerKey, e.Key.ProductCode, e.Key.Dimension, Start: PeriodStart(e.Key.Hour, period)))
            .Select(g => new BillingTotal(
                g.Key.CustomerKey,
                g.Key.ProductCode,
                g.Key.Dimension,
                g.Key.Start,
                Reported(g),
                Pending(g),
                NotBilled(g),
                g.Count()))
            .OrderBy(t => t.PeriodStart)
            .ThenBy(t => t.CustomerKey, StringComparer.Ordinal)
            .ThenBy(t => t.ProductCode, StringComparer.Ordinal)
            .ThenBy(t => t.Dimension, StringComparer.Ordinal)];
    }

    /// <summary>Everything the finance page shows for the entries matching <paramref name="filter"/>.</summary>
    public static BillingReport Build(IEnumerable<LedgerEntry> entries, BillingFilter filter, BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(filter);
        var selected = entries.Where(filter.Matches).ToList();
        return new BillingReport(
            period,
            Totals(selected, period),
            ByName(selected, e => e.Key.CustomerKey),
            ByName(selected, e => e.Key.Dimension),
            ByPeriod(selected, BillingPeriod.Day),
            ByPeriod(selected, BillingPeriod.Month),
            ByPeriod(selected, period),
            Reported(selected),
            Pending(selected),
            NotBilled(selected),
            selected.Count);
    }

    public const string CsvHeader =
        "hour,customer,customer_aws_account_id,license_arn,product_code,dimension,quantity,status,metering_record_id,attempts,detail";

    /// <summary>One line per ledger entry (RFC 4180 quoting; cells that a spreadsheet would run as a formula are defused).</summary>
    public static string ToCsv(IEnumerable<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var e in entries)
        {
            string[] cells =
            [
                e.Key.Hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                e.CustomerIdentifier ?? e.Key.CustomerKey,
                e.CustomerAwsAccountId ?? "",
                e.LicenseArn ?? "",
                e.Key.ProductCode,
                e.Key.Dimension,
                e.Quantity.ToString(CultureInfo.InvariantCulture),
                e.Status.ToString(),
                e.MeteringRecordId ?? "",
                e.Attempts.ToString(CultureInfo.InvariantCulture),
                e.Detail ?? "",
            ];
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static long Reported(IEnumerable<LedgerEntry> entries) => entries.Where(e => e.Status == LedgerStatus.Reported).Sum(e => (long)e.Quantity);

    private static long Pending(IEnumerable<LedgerEntry> entries) => entries.Where(e => e.Status == LedgerStatus.Pending).Sum(e => (long)e.Quantity);

    private static long NotBilled(IEnumerable<LedgerEntry> entries) => entries.Where(e => e.NeedsFinanceAttention).Sum(e => (long)e.Quantity);

    private static List<BillingSubtotal> ByName(IEnumerable<LedgerEntry> entries, Func<LedgerEntry, string> name) =>
        [.. entries.GroupBy(name, StringComparer.Ordinal)
            .Select(g => new BillingSubtotal(g.Key, null, Reported(g), Pending(g), NotBilled(g), g.Count()))
            .OrderBy(t => t.Name, StringComparer.Ordinal)];

    private static List<BillingSubtotal> ByPeriod(IEnumerable<LedgerEntry> entries, BillingPeriod period) =>
        [.. entries.GroupBy(e => PeriodStart(e.Key.Hour, period))
            .Select(g => new BillingSubtotal(Label(g.Key, period), g.Key, Reported(g), Pending(g), NotBilled(g), g.Count()))
            .OrderBy(t => t.PeriodStart)];

    public static string Label(DateTimeOffset start, BillingPeriod period) => period switch
    {
        BillingPeriod.Hour => start.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
        BillingPeriod.Day => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
