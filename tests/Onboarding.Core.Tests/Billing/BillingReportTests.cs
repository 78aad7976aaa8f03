using FsCheck.Xunit;
using Onboarding.Core.Billing;

namespace Onboarding.Core.Tests.Billing;

public sealed class BillingReportTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 31, 22, 0, 0, TimeSpan.Zero);

    private static BillingLine Line(string customer, int hourOffset, long quantity, string status = BillingLine.Success, string dimension = "feed_hours") =>
        new(customer, dimension, Start.AddHours(hourOffset), quantity, status);

    [Fact]
    public void Build_ByDay_SplitsBilledPendingAndRefusedPerCustomerAndDimension()
    {
        BillingLine[] lines =
        [
            Line("c-1", 0, 2),
            Line("c-1", 1, 2),
            Line("c-1", 2, 2),                                  // next day (Nov 1)
            Line("c-1", 3, 2, "Pending"),
            Line("c-1", 4, 5, "CustomerNotSubscribed"),
            Line("c-2", 0, 1),
        ];

        var report = BillingReport.Build(lines, new BillingFilter(), BillingPeriod.Day);

        Assert.Equal(
            [
                new BillingRow(new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero), "c-1", "feed_hours", 4, 0, 0, 2),
                new BillingRow(new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero), "c-2", "feed_hours", 1, 0, 0, 1),
                new BillingRow(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), "c-1", "feed_hours", 2, 2, 5, 3),
            ],
            report.Rows);
        Assert.Equal((7L, 2L, 5L), (report.BilledTotal, report.PendingTotal, report.NotBilledTotal));
    }

    [Fact]
    public void Build_ByMonth_PutsHoursAcrossAMonthBoundaryInTwoMonths()
    {
        var report = BillingReport.Build([Line("c-1", 1, 3), Line("c-1", 2, 4)], new BillingFilter(), BillingPeriod.Month);

        Assert.Equal([(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), 3L), (new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 4L)], report.Series);
    }

    [Fact]
    public void Build_WithFilter_KeepsOnlyMatchingCustomerAndDates()
    {
        BillingLine[] lines = [Line("c-1", 0, 1), Line("c-1", 30, 1), Line("c-2", 30, 1)];

        var report = BillingReport.Build(lines, new BillingFilter(CustomerId: "c-1", From: new DateOnly(2026, 11, 1)), BillingPeriod.Hour);

        var row = Assert.Single(report.Rows);
        Assert.Equal(("c-1", Start.AddHours(30)), (row.CustomerId, row.PeriodStart));
    }

    [Property]
    public bool Build_ForAnyPeriod_AccountsForEveryUnitExactlyOnce(int[] quantities, byte[] hours, bool[] billed)
    {
        var lines = quantities.Select((q, i) => Line(
                $"c-{i % 3}",
                hours.Length == 0 ? 0 : hours[i % hours.Length],
                Math.Abs((long)q),
                billed.Length > 0 && billed[i % billed.Length] ? BillingLine.Success : (i % 2 == 0 ? "Pending" : "DuplicateRecord")))
            .ToList();
        var expected = lines.Sum(l => l.Quantity);

        return Enum.GetValues<BillingPeriod>().All(period =>
        {
            var report = BillingReport.Build(lines, new BillingFilter(), period);
            return report.BilledTotal + report.PendingTotal + report.NotBilledTotal == expected
                && report.Rows.Sum(r => r.Records) == lines.Count
                && report.TotalsByCustomerAndDimension.Sum(r => r.BilledQuantity) == report.BilledTotal;
        });
    }

    [Fact]
    public void ToCsv_QuotesSeparatorsAndDefusesSpreadsheetFormulas()
    {
        var csv = BillingReport.ToCsv([new BillingLine("c-1", "feed_hours", Start, 2, "DuplicateRecord", "rec-1", "=HYPERLINK(\"x\"), says \"dup\"")]);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,dimension,hour_utc,quantity,status,metering_record_id,message", lines[0]);
        Assert.Equal("c-1,feed_hours,2026-10-31T22:00:00Z,2,DuplicateRecord,rec-1,\"'=HYPERLINK(\"\"x\"\"), says \"\"dup\"\"\"", lines[1]);
    }
}
