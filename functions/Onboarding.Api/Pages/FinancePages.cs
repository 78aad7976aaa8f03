using System.Globalization;
using System.Text;
using Onboarding.Api.Finance;
using Onboarding.Core.Metering;
using static Onboarding.Api.Pages.Html;

namespace Onboarding.Api.Pages;

/// <summary>The finance billing view: filters, totals, a usage chart and every ledger record with Marketplace's answer.</summary>
internal static class FinancePages
{
    /// <summary>The page lists at most this many records, newest first; the CSV and JSON carry all of them.</summary>
    public const int MaxRecordsOnPage = 500;

    private const string WideLayout = "<style>main{max-width:1180px} form#filters{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:end} form#filters label{margin-top:6px} form#filters input,form#filters select{padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit} form#filters button{margin-top:0} .totals{display:flex;gap:12px;flex-wrap:wrap} .totals div{border:1px solid var(--line);border-radius:8px;padding:8px 14px} .totals strong{display:block;font-size:1.3rem} .status-Reported{color:var(--good)} .status-Pending{color:var(--muted)} .status-CustomerNotSubscribed,.status-DuplicateRecord,.status-Expired{color:var(--bad);font-weight:600} .grid{display:grid;grid-template-columns:1fr 1fr;gap:0 24px} .legend span{margin-right:14px} #records td:first-child,#period-rows td:first-child{white-space:nowrap} .swatch{display:inline-block;width:10px;height:10px;margin-right:4px}</style>";

    private const string ReportedColour = "#0b6bcb", PendingColour = "#98a2b3", NotBilledColour = "#b42318";

    public static IResult Login(string? error, int statusCode = StatusCodes.Status200OK)
    {
        var message = error is null ? "" : $"<div class=\"errors\" role=\"alert\" id=\"login-error\">{E(error)}</div>";
        return Page("Finance login", $"""
            <h1>Finance: metered billing</h1>
            {message}
            <form method="post" action="login" id="login">
              <label for="apiKey">API key <span class="hint">(the value of FINANCE_API_KEY)</span></label>
              <input type="password" id="apiKey" name="apiKey" autocomplete="current-password" required style="width:100%;padding:8px 10px;border:1px solid var(--line);border-radius:6px;font:inherit">
              <button type="submit">Log in</button>
            </form>
            """, statusCode);
    }

    public static IResult BadQuery(string error) =>
        Page("Metered billing", $"""
            <h1>Metered billing</h1>
            <div class="errors" role="alert" id="query-error">{E(error)}</div>
            <p><a href="billing">Back to the last 31 days</a></p>
            """, StatusCodes.Status400BadRequest);

    public static IResult Billing(BillingQuery query, BillingReport report, IReadOnlyList<LedgerEntry> entries, string queryString)
    {
        var body = new StringBuilder(WideLayout);
        body.Append("<h1>Metered billing</h1>");
        body.Append(FilterForm(query));
        body.Append(CultureInfo.InvariantCulture, $"""
            <p class="hint">{query.From:yyyy-MM-dd} to {query.To:yyyy-MM-dd} (UTC) &middot; {report.Entries:N0} ledger records &middot;
            <a id="csv" href="billing.csv{E(queryString)}" download>Download CSV</a> &middot; <a id="json" href="billing.json{E(queryString)}">JSON</a></p>
            <div class="totals" id="totals">
              <div>Billed (Marketplace accepted)<strong id="total-reported">{report.Reported:N0}</strong></div>
              <div>Pending (sent again next run)<strong id="total-pending">{report.Pending:N0}</strong></div>
              <div>Not billed (needs a look)<strong id="total-not-billed">{report.NotBilled:N0}</strong></div>
            </div>
            """);
        body.Append(Chart(report));

        body.Append("<div class=\"grid\"><div>");
        body.Append(SubtotalTable("by-customer", "Per customer", "Customer", report.ByCustomer));
        body.Append("</div><div>");
        body.Append(SubtotalTable("by-dimension", "Per dimension", "Dimension", report.ByDimension));
        body.Append("</div><div>");
        body.Append(SubtotalTable("by-day", "Per day", "Day (UTC)", report.ByDay));
        body.Append("</div><div>");
        body.Append(SubtotalTable("by-month", "Per month", "Month (UTC)", report.ByMonth));
        body.Append("</div></div>");

        body.Append(CultureInfo.InvariantCulture, $"<h2>Per {report.Period.ToString().ToLowerInvariant()}, customer and dimension</h2><table id=\"period-rows\"><thead><tr><th>Period (UTC)</th><th>Customer</th><th>Product</th><th>Dimension</th><th class=\"num\">Billed</th><th class=\"num\">Pending</th><th class=\"num\">Not billed</th><th class=\"num\">Records</th></tr></thead><tbody>");
        foreach (var row in report.Rows)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(BillingSummary.Label(row.PeriodStart, report.Period))}</td><td>{E(row.CustomerKey)}</td><td>{E(row.ProductCode)}</td><td>{E(row.Dimension)}</td><td class=\"num\">{row.Reported:N0}</td><td class=\"num\">{row.Pending:N0}</td><td class=\"num\">{row.NotBilled:N0}</td><td class=\"num\">{row.Entries:N0}</td></tr>");
        }

        body.Append("</tbody></table>");

        var shown = entries.OrderByDescending(e => e.Key.Hour).Take(MaxRecordsOnPage).ToList();
        body.Append("<h2>Records</h2>");
        if (entries.Count > shown.Count)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\" id=\"records-truncated\">The newest {shown.Count:N0} of {entries.Count:N0} records; the CSV has all of them.</p>");
        }

        body.Append("<table id=\"records\"><thead><tr><th>Hour (UTC)</th><th>Customer</th><th>Dimension</th><th class=\"num\">Quantity</th><th>Marketplace status</th><th class=\"num\">Attempts</th><th>Metering record id / detail</th></tr></thead><tbody>");
        foreach (var e in shown)
        {
            var customer = e.LicenseArn is { Length: > 0 } ? $"{e.CustomerAwsAccountId} ({e.LicenseArn})" : e.CustomerIdentifier ?? e.Key.CustomerKey;
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.Key.Hour.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}</td><td>{E(customer)}</td><td>{E(e.Key.Dimension)}</td><td class=\"num\">{e.Quantity:N0}</td><td class=\"status-{e.Status}\">{E(e.Status.ToString())}</td><td class=\"num\">{e.Attempts}</td><td><code>{E(e.MeteringRecordId)}</code> {E(e.Detail)}</td></tr>");
        }

        body.Append("</tbody></table>");
        body.Append("<form method=\"post\" action=\"logout\"><button type=\"submit\">Log out</button></form>");
        return Page("Metered billing", body.ToString());
    }

    private static string SubtotalTable(string id, string title, string nameHeader, IReadOnlyList<BillingSubtotal> rows)
    {
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"<h2>{E(title)}</h2><table id=\"{id}\"><thead><tr><th>{E(nameHeader)}</th><th class=\"num\">Billed</th><th class=\"num\">Pending</th><th class=\"num\">Not billed</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(row.Name)}</td><td class=\"num\">{row.Reported:N0}</td><td class=\"num\">{row.Pending:N0}</td><td class=\"num\">{row.NotBilled:N0}</td></tr>");
        }

        return table.Append("</tbody></table>").ToString();
    }

    private static string FilterForm(BillingQuery query)
    {
        var filter = query.Filter;
        string PeriodOption(BillingPeriod value) =>
            $"<option value=\"{value.ToString().ToLowerInvariant()}\"{(value == query.Period ? " selected" : "")}>{value}</option>";
        var statuses = string.Concat(Enum.GetValues<LedgerStatus>().Select(s =>
            $"<option value=\"{s}\"{(s == filter.Status ? " selected" : "")}>{s}</option>"));
        return $"""
            <form method="get" action="billing" id="filters">
              <label>Customer <input type="text" name="customer" value="{E(filter.Customer)}" placeholder="identifier, account id or license ARN"></label>
              <label>Dimension <input type="text" name="dimension" value="{E(filter.Dimension)}"></label>
              <label>Product <input type="text" name="product" value="{E(filter.ProductCode)}"></label>
              <label>Status <select name="status"><option value="">any</option>{statuses}</select></label>
              <label>From <input type="date" name="from" value="{query.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
              <label>To <input type="date" name="to" value="{query.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
              <label>Group by <select name="period">{PeriodOption(BillingPeriod.Hour)}{PeriodOption(BillingPeriod.Day)}{PeriodOption(BillingPeriod.Month)}</select></label>
              <button type="submit">Apply</button>
            </form>
            """;
    }

    /// <summary>An inline SVG stacked bar chart (billed, pending, not billed) per period: no script, no external assets.</summary>
    private static string Chart(BillingReport report)
    {
        if (report.Series.Count == 0)
        {
            return "<p id=\"chart\" class=\"hint\">No usage in this selection.</p>";
        }

        const int width = 1100, height = 220, left = 48, top = 16;
        var max = Math.Max(1, report.Series.Max(p => p.Reported + p.Pending + p.NotBilled));
        var barWidth = (double)(width - left - 8) / report.Series.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<h2>Units per {report.Period.ToString().ToLowerInvariant()}</h2><p class=\"legend hint\"><span><i class=\"swatch\" style=\"background:{ReportedColour}\"></i>billed</span><span><i class=\"swatch\" style=\"background:{PendingColour}\"></i>pending</span><span><i class=\"swatch\" style=\"background:{NotBilledColour}\"></i>not billed</span></p>");
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"chart\" role=\"img\" aria-label=\"Units per {report.Period.ToString().ToLowerInvariant()}\" viewBox=\"0 0 {width} {height + 24}\" width=\"100%\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\" stroke=\"#d9dee7\"/>");
        for (var i = 0; i < report.Series.Count; i++)
        {
            var point = report.Series[i];
            var x = left + (i * barWidth);
            var y = (double)height;
            foreach (var (value, colour) in new[] { (point.Reported, ReportedColour), (point.Pending, PendingColour), (point.NotBilled, NotBilledColour) })
            {
                if (value == 0)
                {
                    continue;
                }

                var barHeight = (height - top) * (double)value / max;
                y -= barHeight;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{Math.Max(1, barWidth - 2):F1}\" height=\"{barHeight:F1}\" fill=\"{colour}\"><title>{E(point.Name)}: {value:N0}</title></rect>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height + 18}\" font-size=\"12\">{E(report.Series[0].Name)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width}\" y=\"{height + 18}\" font-size=\"12\" text-anchor=\"end\">{E(report.Series[^1].Name)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + 4}\" font-size=\"12\" text-anchor=\"end\">{max:N0}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{height}\" font-size=\"12\" text-anchor=\"end\">0</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
