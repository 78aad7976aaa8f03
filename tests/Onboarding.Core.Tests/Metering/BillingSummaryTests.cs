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
}
