using System.Globalization;
using System.Text;
using Onboarding.Core.Billing;
using static Onboarding.Api.Pages.Html;

namespace Onboarding.Api.Pages;

/// <summary>The finance billing view: filters, totals, a usage chart and every ledger record with Marketplace's answer.</summary>
internal static class FinancePages
{
    public static IResult Billing(BillingReport report, IReadOnlyList<BillingLine> lines, BillingFilter filter, string queryString)
    {
        var body = new StringBuilder();
        body.Append("<h1>Metered billing</h1>");
        body.Append(FilterForm(filter, report.Period));
        body.Append(CultureInfo.InvariantCulture, $"""
            <p id="totals">Billed: <strong>{report.BilledTotal:N0}</strong> &middot; Pending: <strong>{report.PendingTotal:N0}</strong> &middot; Not billed: <strong>{report.NotBilledTotal:N0}</strong>
            &middot; <a id="csv" href="billing.csv{E(queryString)}">CSV</a> &middot; <a id="json" href="billing.json{E(queryString)}">JSON</a></p>
            """);
        body.Append(Chart(report));

        body.Append("<h2>Totals per customer and dimension</h2><table id=\"customer-totals\"><thead><tr><th>Customer</th><th>Dimension</th><th class=\"num\">Billed</th><th class=\"num\">Pending</th><th class=\"num\">Not billed</th></tr></thead><tbody>");
        foreach (var row in report.TotalsByCustomerAndDimension)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(row.CustomerId)}</td><td>{E(row.Dimension)}</td><td class=\"num\">{row.BilledQuantity:N0}</td><td class=\"num\">{row.PendingQuantity:N0}</td><td class=\"num\">{row.NotBilledQuantity:N0}</td></tr>");
        }

        body.Append("</tbody></table>");

        body.Append(CultureInfo.InvariantCulture, $"<h2>Per {report.Period.ToString().ToLowerInvariant()}</h2><table id=\"period-rows\"><thead><tr><th>Period (UTC)</th><th>Customer</th><th>Dimension</th><th class=\"num\">Billed</th><th class=\"num\">Pending</th><th class=\"num\">Not billed</th><th class=\"num\">Records</th></tr></thead><tbody>");
        foreach (var row in report.Rows)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(Period(row.PeriodStart, report.Period))}</td><td>{E(row.CustomerId)}</td><td>{E(row.Dimension)}</td><td class=\"num\">{row.BilledQuantity:N0}</td><td class=\"num\">{row.PendingQuantity:N0}</td><td class=\"num\">{row.NotBilledQuantity:N0}</td><td class=\"num\">{row.Records}</td></tr>");
        }

        body.Append("</tbody></table>");

        body.Append("<h2>Records</h2><table id=\"records\"><thead><tr><th>Hour (UTC)</th><th>Customer</th><th>Dimension</th><th class=\"num\">Quantity</th><th>Marketplace status</th><th>Metering record id</th></tr></thead><tbody>");
        foreach (var line in lines.OrderByDescending(l => l.Hour))
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(line.Hour.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}</td><td>{E(line.CustomerId)}</td><td>{E(line.Dimension)}</td><td class=\"num\">{line.Quantity:N0}</td><td title=\"{E(line.Message)}\">{E(line.Status)}</td><td><code>{E(line.MeteringRecordId)}</code></td></tr>");
        }

        body.Append("</tbody></table>");
        return Page("Metered billing", body.ToString());
    }

    private static string FilterForm(BillingFilter filter, BillingPeriod period)
    {
        string Option(BillingPeriod value) =>
            $"<option value=\"{value.ToString().ToLowerInvariant()}\"{(value == period ? " selected" : "")}>{value}</option>";
        return $"""
            <form method="get" action="billing" id="filters">
              <label>Customer <input type="text" name="customer" value="{E(filter.CustomerId)}"></label>
              <label>Dimension <input type="text" name="dimension" value="{E(filter.Dimension)}"></label>
              <label>Status <input type="text" name="status" value="{E(filter.Status)}" placeholder="Success, Pending, DuplicateRecord, ..."></label>
              <label>From <input type="date" name="from" value="{filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
              <label>To <input type="date" name="to" value="{filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
              <label>Group by <select name="period">{Option(BillingPeriod.Hour)}{Option(BillingPeriod.Day)}{Option(BillingPeriod.Month)}</select></label>
              <button type="submit">Apply</button>
            </form>
            """;
    }

    /// <summary>An inline SVG bar chart of billed units per period: no script, no external assets.</summary>
    private static string Chart(BillingReport report)
    {
        if (report.Series.Count == 0)
        {
            return "<p id=\"chart\" class=\"hint\">No usage in this selection.</p>";
        }

        const int width = 800, height = 200, padding = 24;
        var max = Math.Max(1, report.Series.Max(p => p.BilledQuantity));
        var barWidth = (double)(width - (2 * padding)) / report.Series.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"chart\" role=\"img\" aria-label=\"Billed units per {report.Period.ToString().ToLowerInvariant()}\" viewBox=\"0 0 {width} {height + 20}\" width=\"100%\">");
        for (var i = 0; i < report.Series.Count; i++)
        {
            var (start, billed) = report.Series[i];
            var barHeight = (height - padding) * (double)billed / max;
            var x = padding + (i * barWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{height - barHeight:F1}\" width=\"{Math.Max(1, barWidth - 2):F1}\" height=\"{barHeight:F1}\" fill=\"#0b6bcb\"><title>{E(Period(start, report.Period))}: {billed:N0}</title></rect>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{padding}\" y=\"{height + 16}\" font-size=\"12\">{E(Period(report.Series[0].PeriodStart, report.Period))}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - padding}\" y=\"{height + 16}\" font-size=\"12\" text-anchor=\"end\">{E(Period(report.Series[^1].PeriodStart, report.Period))}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{padding}\" y=\"12\" font-size=\"12\">max {max:N0}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Period(DateTimeOffset start, BillingPeriod period) => period switch
    {
        BillingPeriod.Hour => start.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
        BillingPeriod.Day => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };
}
