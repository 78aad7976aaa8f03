using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Metering;

namespace Onboarding.Core.Tests.Metering;

public sealed class BillingSummaryTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 31, 22, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Entry(string customer, int hoursAfterStart, int quantity, LedgerStatus status, string? detail = null) =>
        new(new UsageKey(customer, "P1", "feed_hours", Start.AddHours(hoursAfterStart)), quantity, status, customer, null, null, Start, Start, Detail: detail);

    [Fact]
    public void DailyTotals_SplitReportedPendingAndNotBilledPerCustomerAndDay()
    {
        var entries = new[]
        {
            Entry("C1", 0, 2, LedgerStatus.Reported),
            Entry("C1", 1, 2, LedgerStatus.Expired),
            Entry("C1", 2, 2, LedgerStatus.Reported), // 2026-11-01
            Entry("C1", 3, 2, LedgerStatus.Pending),
            Entry("C2", 2, 5, LedgerStatus.CustomerNotSubscribed),
        };

        var totals = BillingSummary.Totals(entries, BillingPeriod.Day);

        Assert.Equal(
            [
                new BillingTotal("C1", "P1", "feed_hours", new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero), 2, 0, 2, 2),
                new BillingTotal("C1", "P1", "feed_hours", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 2, 2, 0, 2),
                new BillingTotal("C2", "P1", "feed_hours", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 0, 0, 5, 1),
            ],
            totals);
    }

    [Property]
    public Property MonthlyTotals_AddUpToTheHourlyOnes() =>
        Prop.ForAll(
            Gen.ListOf(
                from customer in Gen.Elements("C1", "C2", "C3")
                from hour in Gen.Choose(0, 24 * 70)
                from quantity in Gen.Choose(1, 50)
                from status in Gen.Elements(Enum.GetValues<LedgerStatus>())
                select Entry(customer, hour, quantity, status)).ToArbitrary(),
            generated =>
            {
                var entries = generated.DistinctBy(e => e.Key).ToList();
                var hourly = BillingSummary.Totals(entries, BillingPeriod.Hour);
                var monthly = BillingSummary.Totals(entries, BillingPeriod.Month);
                return hourly.Sum(t => t.Reported) == monthly.Sum(t => t.Reported)
                    && hourly.Sum(t => t.Pending + t.NotBilled) == monthly.Sum(t => t.Pending + t.NotBilled)
                    && monthly.Sum(t => t.Entries) == entries.Count
                    && monthly.All(t => t.PeriodStart.Day == 1 && t.PeriodStart.Hour == 0);
            });

    [Fact]
    public void Csv_QuotesSeparatorsAndDefusesFormulas()
    {
        var csv = BillingSummary.ToCsv([Entry("C1", 0, 2, LedgerStatus.Expired, "=HYPERLINK(\"x\"), late")]);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BillingSummary.CsvHeader, lines[0]);
        Assert.Equal("2026-10-31T22:00:00Z,C1,,,P1,feed_hours,2,Expired,,0,\"'=HYPERLINK(\"\"x\"\"), late\"", lines[1]);
    }

    [Fact]
    public void Build_ByMonth_PutsHoursAcrossAMonthBoundaryInTwoMonths()
    {
        var report = BillingSummary.Build(
            [Entry("C1", 1, 3, LedgerStatus.Reported), Entry("C1", 2, 4, LedgerStatus.Reported)], new BillingFilter(), BillingPeriod.Month);

        Assert.Equal(
            [(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), 3L), (new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 4L)],
            report.Series.Select(p => (p.PeriodStart!.Value, p.Reported)));
        Assert.Equal(["2026-10", "2026-11"], report.ByMonth.Select(m => m.Name));
        Assert.Equal(["2026-10-31", "2026-11-01"], report.ByDay.Select(d => d.Name));
    }

    [Fact]
    public void Build_WithFilter_KeepsOnlyMatchingCustomerStatusAndDates()
    {
        LedgerEntry[] entries =
        [
            Entry("C1", 0, 1, LedgerStatus.Reported),
            Entry("C1", 30, 1, LedgerStatus.Reported),
            Entry("C1", 31, 1, LedgerStatus.Pending),
            Entry("C2", 30, 1, LedgerStatus.Reported),
        ];

        var report = BillingSummary.Build(
            entries, new BillingFilter(Customer: "C1", Status: LedgerStatus.Reported, From: new DateOnly(2026, 11, 1)), BillingPeriod.Hour);

        var row = Assert.Single(report.Rows);
        Assert.Equal(("C1", Start.AddHours(30)), (row.CustomerKey, row.PeriodStart));
        Assert.Equal((1L, 0L, 0L, 1), (report.Reported, report.Pending, report.NotBilled, report.Entries));
    }

    [Fact]
    public void Filter_ByCustomer_MatchesTheAwsAccountIdOfLicenseModelEntries()
    {
        var entry = new LedgerEntry(
            new UsageKey("arn:aws:license-manager::123:license:l-1", "P1", "feed_hours", Start), 1, LedgerStatus.Reported,
            null, "123456789012", "arn:aws:license-manager::123:license:l-1", Start, Start);

        Assert.True(new BillingFilter(Customer: "123456789012").Matches(entry));
        Assert.True(new BillingFilter(Customer: "arn:aws:license-manager::123:license:l-1").Matches(entry));
        Assert.False(new BillingFilter(Customer: "999999999999").Matches(entry));
    }

    [Fact]
    public void Filter_HourRange_CoversWholeUtcDaysInclusive()
    {
        var (from, to) = new BillingFilter(From: new DateOnly(2026, 11, 1), To: new DateOnly(2026, 11, 2))
            .HourRange(new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 1));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), to);
    }

    [Property]
    public Property Build_ForAnyPeriod_AccountsForEveryUnitExactlyOnce() =>
        Prop.ForAll(
            Gen.ListOf(
                from customer in Gen.Elements("C1", "C2", "C3")
                from hour in Gen.Choose(0, 24 * 70)
                from quantity in Gen.Choose(0, 50)
                from status in Gen.Elements(Enum.GetValues<LedgerStatus>())
                select Entry(customer, hour, quantity, status)).ToArbitrary(),
            generated =>
            {
                var entries = generated.DistinctBy(e => e.Key).ToList();
                var expected = entries.Sum(e => (long)e.Quantity);
                return Enum.GetValues<BillingPeriod>().All(period =>
                {
                    var report = BillingSummary.Build(entries, new BillingFilter(), period);
                    return report.Reported + report.Pending + report.NotBilled == expected
                        && report.Rows.Sum(r => r.Entries) == entries.Count
                        && report.ByCustomer.Sum(c => c.Reported) == report.Reported
                        && report.ByDimension.Sum(c => c.NotBilled) == report.NotBilled
                        && report.ByDay.Sum(d => d.Pending) == report.Pending
                        && report.ByMonth.Sum(m => m.Entries) == entries.Count
                        && report.Series.Sum(p => p.Reported) == report.Reported;
                });
            });
}
