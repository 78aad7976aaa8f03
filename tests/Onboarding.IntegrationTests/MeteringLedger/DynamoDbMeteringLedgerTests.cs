using Amazon.DynamoDBv2;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Metering;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.MeteringLedger;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbMeteringLedgerTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Hour.AddHours(1).AddMinutes(5);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

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

    private static LedgerEntry Entry(string customer, DateTimeOffset hour, int quantity = 3, LedgerStatus status = LedgerStatus.Pending, string product = "P1") =>
        new(new UsageKey(customer, product, "feed_hours", hour), quantity, status, customer, null, null, Now, Now);

    [Fact]
    public async Task TryCreate_WhenAbsent_StoresThePendingEntryUnchanged()
    {
        var entry = Entry("C1", Hour);

        Assert.True(await ledger.TryCreateAsync(entry, None));

        Assert.Equal(entry, await ledger.GetAsync(entry.Key, None));
    }

    [Fact]
    public async Task TryCreate_WhenTheHourIsAlreadyInTheLedger_ChangesNothing()
    {
        await ledger.TryCreateAsync(Entry("C1", Hour, quantity: 3), None);

        Assert.False(await ledger.TryCreateAsync(Entry("C1", Hour, quantity: 7), None));

        Assert.Equal(3, (await ledger.GetAsync(Entry("C1", Hour).Key, None))!.Quantity);
    }

    [Fact]
    public async Task LicenseModelEntry_RoundTripsAccountAndLicense()
    {
        const string license = "arn:aws:license-manager::111122223333:license:l-7f3c2a9e41b84d5f9a0e6c1b2d3e4f50";
        var entry = new LedgerEntry(new UsageKey(license, "P1", "feed_hours", Hour), 2, LedgerStatus.Pending, null, "444455556666", license, Now, Now);

        await ledger.TryCreateAsync(entry, None);

        Assert.Equal(entry, await ledger.GetAsync(entry.Key, None));
    }

    [Fact]
    public async Task TrySettle_MovesPendingToReportedOnlyOnce()
    {
        var entry = Entry("C1", Hour);
        await ledger.TryCreateAsync(entry, None);

        Assert.True(await ledger.TrySettleAsync(new LedgerUpdate(entry.Key, LedgerStatus.Reported, "rec-1", null), Now, None));
        Assert.False(await ledger.TrySettleAsync(new LedgerUpdate(entry.Key, LedgerStatus.DuplicateRecord, "rec-2", "late"), Now, None));

        var stored = await ledger.GetAsync(entry.Key, None);
        Assert.Equal(LedgerStatus.Reported, stored!.Status);
        Assert.Equal("rec-1", stored.MeteringRecordId);
        Assert.Empty(await ledger.ListPendingAsync(None));
    }

    [Fact]
    public async Task TrySettle_OfAnEntryThatDoesNotExist_CreatesNothing()
    {
        var key = Entry("ghost", Hour).Key;

        Assert.False(await ledger.TrySettleAsync(new LedgerUpdate(key, LedgerStatus.Reported, "rec-1", null), Now, None));

        Assert.Null(await ledger.GetAsync(key, None));
    }

    [Fact]
    public async Task TryRecordAttempt_CountsFailuresOfPendingEntriesOnly()
    {
        var entry = Entry("C1", Hour);
        await ledger.TryCreateAsync(entry, None);

        Assert.True(await ledger.TryRecordAttemptAsync(entry.Key, "ThrottlingException", Now, None));
        Assert.True(await ledger.TryRecordAttemptAsync(entry.Key, "unprocessed", Now, None));
        await ledger.TrySettleAsync(new LedgerUpdate(entry.Key, LedgerStatus.Reported, "rec-1", null), Now, None);
        Assert.False(await ledger.TryRecordAttemptAsync(entry.Key, "late", Now, None));

        var stored = await ledger.GetAsync(entry.Key, None);
        Assert.Equal(2, stored!.Attempts);
        Assert.Equal(3, stored.Quantity);
    }

    [Fact]
    public async Task ListPending_ReturnsOnlyPendingEntries_OldestHourFirst()
    {
        await ledger.TryCreateAsync(Entry("C2", Hour), None);
        await ledger.TryCreateAsync(Entry("C1", Hour.AddHours(-2)), None);
        await ledger.TryCreateAsync(Entry("C3", Hour.AddHours(-1), status: LedgerStatus.Expired), None);
        await ledger.TryCreateAsync(Entry("C4", Hour.AddHours(-1)), None);
        await ledger.TrySettleAsync(new LedgerUpdate(Entry("C4", Hour.AddHours(-1)).Key, LedgerStatus.Reported, "r", null), Now, None);

        var pending = await ledger.ListPendingAsync(None);

        Assert.Equal(["C1", "C2"], pending.Select(e => e.Key.CustomerKey));
    }

    [Fact]
    public async Task ListByCustomer_ReturnsTheHalfOpenRangeOfThatCustomerOnly()
    {
        for (var h = 0; h < 5; h++)
        {
            await ledger.TryCreateAsync(Entry("C1", Hour.AddHours(h)), None);
            await ledger.TryCreateAsync(Entry("C2", Hour.AddHours(h)), None);
        }

        var entries = await ledger.ListByCustomerAsync("C1", Hour.AddHours(1), Hour.AddHours(3), None);

        Assert.Equal([Hour.AddHours(1), Hour.AddHours(2)], entries.Select(e => e.Key.Hour));
        Assert.All(entries, e => Assert.Equal("C1", e.Key.CustomerKey));
    }

    [Fact]
    public async Task ListByPeriod_SpansDaysAndCustomersForTheFinanceView()
    {
        var midnight = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        foreach (var hour in new[] { midnight.AddHours(-2), midnight.AddHours(-1), midnight, midnight.AddHours(1), midnight.AddHours(2) })
        {
            await ledger.TryCreateAsync(Entry("C1", hour), None);
            await ledger.TryCreateAsync(Entry("C2", hour, product: "P2"), None);
        }

        var entries = await ledger.ListByPeriodAsync(midnight.AddHours(-1), midnight.AddHours(2), None);

        Assert.Equal(6, entries.Count);
        Assert.Equal(
            [midnight.AddHours(-1), midnight, midnight.AddHours(1)],
            entries.Select(e => e.Key.Hour).Distinct().Order());
    }

    [Fact]
    public async Task Watermark_OnlyMovesForward()
    {
        Assert.Null(await ledger.GetWatermarkAsync(None));

        await ledger.AdvanceWatermarkAsync(Hour, None);
        await ledger.AdvanceWatermarkAsync(Hour.AddHours(-3), None);

        Assert.Equal(Hour, await ledger.GetWatermarkAsync(None));
    }
}
