using Amazon.DynamoDBv2;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Metering;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MeteringJobTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 16, 5, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastHour = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    private readonly FakeMarketplaceMetering marketplace = new();
    private DynamoDbMeteringLedger ledger = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest("ledger"));
        ledger = new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = "ledger" });
    }

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    private MeteringJob Job(IMeteringLedger? with = null) =>
        new(with ?? ledger, marketplace, new DimensionMap(), MeteringWindow.Marketplace);

    private static List<MeteredSubscription> Customers(int count, DateTimeOffset? until = null) =>
        [.. Enumerable.Range(0, count).Select(i => new MeteredSubscription(
            new SubscriptionRef($"CUST{i:D5}", "P1", null, null), "P1", PlanTimeline.Constant(["quotes", "trades"]), Now.AddDays(-3), until))];

    private void AssertEachHourBilledOnce(int customers, params DateTimeOffset[] hours)
    {
        var expected = from h in hours from i in Enumerable.Range(0, customers) select ($"CUST{i:D5}", "feed_hours", h.UtcDateTime, 2);
        Assert.Equal(expected.OrderBy(x => x), marketplace.Billed.OrderBy(x => x));
    }

    private async Task<IReadOnlyList<LedgerEntry>> LedgerOf(DateTimeOffset from, DateTimeOffset to) => await ledger.ListByPeriodAsync(from, to, None);

    [Fact]
    public async Task Run_BillsEachActiveCustomerForTheLastCompletedHour_StampedWithTheHourNotNow()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);

        var report = await Job().RunAsync(Customers(30), Now, None);

        AssertEachHourBilledOnce(30, LastHour);
        Assert.Equal(2, report.Calls);
        Assert.Equal(30, report.Reported);
        Assert.All(await LedgerOf(LastHour, Now), e => Assert.Equal(LedgerStatus.Reported, e.Status));
        Assert.All(marketplace.Received, r => Assert.Equal(LastHour.UtcDateTime, r.Timestamp));
    }

    [Fact]
    public async Task Run_TwiceForTheSameHour_BillsNothingTwice()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);

        await Job().RunAsync(Customers(30), Now, None);
        var second = await Job().RunAsync(Customers(30), Now.AddMinutes(1), None);

        Assert.Equal(0, second.Calls);
        Assert.Equal(0, second.EntriesCreated);
        AssertEachHourBilledOnce(30, LastHour);
    }

    [Fact]
    public async Task Run_WhenThrottled_StopsWithEverythingPending_AndTheNextRunBillsEachHourOnce()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        marketplace.Enqueue(FakeMarketplaceMetering.Fault.Throttle);

        var first = await Job().RunAsync(Customers(60), Now, None);

        Assert.True(first.Throttled);
        Assert.Equal(1, first.Calls);
        Assert.Equal(60, first.Retrying);
        Assert.Empty(marketplace.Billed);
        Assert.Equal(60, (await ledger.ListPendingAsync(None)).Count);

        var second = await Job().RunAsync(Customers(60), Now.AddMinutes(15), None);

        Assert.Equal(3, second.Calls);
        AssertEachHourBilledOnce(60, LastHour);
        Assert.Empty(await ledger.ListPendingAsync(None));
    }

    [Fact]
    public async Task Run_WithUnprocessedRecords_ResendsThemUnchangedOnTheNextRun()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        marketplace.Enqueue(FakeMarketplaceMetering.Fault.UnprocessedTail);

        var first = await Job().RunAsync(Customers(30), Now, None);

        Assert.Equal(5, first.Retrying);
        var pending = await ledger.ListPendingAsync(None);
        Assert.Equal(5, pending.Count);
        Assert.All(pending, e => Assert.Equal(1, e.Attempts));

        await Job().RunAsync(Customers(30), Now.AddMinutes(10), None);

        AssertEachHourBilledOnce(30, LastHour);
        Assert.Empty(await ledger.ListPendingAsync(None));
    }

    [Fact]
    public async Task Run_CrashBetweenTheCallAndTheLedgerWrite_ResendsIdenticalRecordsAndBillsOnce()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        var crashing = new CrashingLedger(ledger);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => Job(crashing).RunAsync(Customers(30), Now, None));
        Assert.Equal(25, marketplace.Billed.Count); // Marketplace has the first call's records; our ledger does not know.

        var retry = await Job().RunAsync(Customers(30), Now.AddMinutes(2), None);

        AssertEachHourBilledOnce(30, LastHour);
        Assert.Equal(0, retry.DuplicateRecord);
        Assert.Equal(30, retry.Reported);
        var resent = marketplace.Received.GroupBy(r => r.CustomerIdentifier).Where(g => g.Count() > 1).ToList();
        Assert.Equal(25, resent.Count);
        Assert.All(resent, g => Assert.Single(g.Select(r => (r.Timestamp, r.Quantity, r.Dimension)).Distinct()));
    }

    [Fact]
    public async Task Run_AfterAnOutage_CatchesUpInsideTheWindowAndFlagsOlderHoursForFinance()
    {
        await ledger.AdvanceWatermarkAsync(new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero), None);

        var report = await Job().RunAsync(Customers(3), Now, None);

        var billable = Enumerable.Range(11, 5).Select(h => new DateTimeOffset(2026, 11, 23, h, 0, 0, TimeSpan.Zero)).ToArray();
        AssertEachHourBilledOnce(3, billable);
        Assert.Equal(15, report.EntriesTooLate);
        var flagged = await LedgerOf(Now.AddHours(-10).Date, billable[0]);
        Assert.Equal(15, flagged.Count);
        Assert.All(flagged, e =>
        {
            Assert.Equal(LedgerStatus.Expired, e.Status);
            Assert.True(e.NeedsFinanceAttention);
            Assert.Equal(MeteringJob.TooLateDetail, e.Detail);
        });
        Assert.Equal(LastHour, await ledger.GetWatermarkAsync(None));
    }

    [Fact]
    public async Task Run_CustomerNotSubscribed_IsRecordedForFinanceAndNotRetried()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        marketplace.NotSubscribed.Add("CUST00001");

        var report = await Job().RunAsync(Customers(3), Now, None);
        await Job().RunAsync(Customers(3), Now.AddMinutes(5), None);

        Assert.Equal(1, report.CustomerNotSubscribed);
        Assert.Equal(1, marketplace.Calls);
        var entry = await ledger.GetAsync(new UsageKey("CUST00001", "P1", "feed_hours", LastHour), None);
        Assert.Equal(LedgerStatus.CustomerNotSubscribed, entry!.Status);
    }

    [Fact]
    public async Task Run_PendingEntryThatLeftTheWindow_IsExpiredWithAWarningThatItMayHaveBeenBilled()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        marketplace.Enqueue(FakeMarketplaceMetering.Fault.Throttle);
        await Job().RunAsync(Customers(1), Now, None);

        var late = await Job().RunAsync(Customers(1), Now.AddHours(6), None);

        Assert.Equal(1, late.EntriesExpired);
        var entry = await ledger.GetAsync(new UsageKey("CUST00000", "P1", "feed_hours", LastHour), None);
        Assert.Equal(LedgerStatus.Expired, entry!.Status);
        Assert.Contains("may have been accepted", entry.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(marketplace.Billed, b => b.Hour == LastHour.UtcDateTime);
    }

    [Fact]
    public async Task FinalUsage_SendsTheCurrentPartialHourNow_AndTheHourlyRunDoesNotSendItAgain()
    {
        await ledger.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        var endedAt = Now.AddMinutes(10); // 16:15, in the hour after the last completed one
        var ending = Customers(1, until: endedAt);
        await Job().RunAsync(ending, Now, None);

        var final = await Job().SendFinalUsageAsync(ending[0], endedAt.AddMinutes(1), None);
        var nextHourly = await Job().RunAsync(ending, Now.AddHours(1), None);

        Assert.Equal(1, final.Reported);
        Assert.Equal(0, nextHourly.EntriesCreated);
        AssertEachHourBilledOnce(1, LastHour, LastHour.AddHours(1));
    }

    [Fact]
    public async Task TenThousandCustomers_AreSentIn400CallsOf25AndBilledOnce()
    {
        var memory = new InMemoryMeteringLedger();
        await memory.AdvanceWatermarkAsync(LastHour.AddHours(-1), None);
        var job = Job(memory);

        var report = await job.RunAsync(Customers(10_000), Now, None);
        var again = await job.RunAsync(Customers(10_000), Now.AddMinutes(1), None);

        Assert.Equal(400, report.Calls);
        Assert.Equal(10_000, report.Reported);
        Assert.Equal(0, again.Calls);
        Assert.Equal(400, marketplace.Calls);
        AssertEachHourBilledOnce(10_000, LastHour);
    }
}
