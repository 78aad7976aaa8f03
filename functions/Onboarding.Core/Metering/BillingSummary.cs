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

/// <summary>The finance view's arithmetic: totals per customer, dimension and period, and a CSV export of ledger entries.</summary>
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
                g.Where(e => e.Status == LedgerStatus.Reported).Sum(e => (long)e.Quantity),
                g.Where(e => e.Status == LedgerStatus.Pending).Sum(e => (long)e.Quantity),
                g.Where(e => e.NeedsFinanceAttention).Sum(e => (long)e.Quantity),
                g.Count()))
            .OrderBy(t => t.PeriodStart)
            .ThenBy(t => t.CustomerKey, StringComparer.Ordinal)
            .ThenBy(t => t.ProductCode, StringComparer.Ordinal)
            .ThenBy(t => t.Dimension, StringComparer.Ordinal)];
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

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
