using System.Net.Http.Json;
using Amazon.DynamoDBv2;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Metering;

/// <summary>
/// The metering job against the Marketplace simulator's BatchMeterUsage (real wire protocol, duplicate detection,
/// the 6-hour window on the simulator's own clock) with its ledger on moto, through throttling, unprocessed records
/// and a crash between the call and the ledger write.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MeteringSimulatorTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Product = "sim-rtfeed-payg";
    private const string GlobexLicense = "arn:aws:license-manager::222222222222:license:l-globex00000000000000000000payg";
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly SimulatorFixture simulator = new();
    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    private DynamoDbMeteringLedger ledger = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest("ledger"));
        ledger = new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = "ledger" });
        await simulator.InitializeAsync();
        await simulator.ResetAsync();
    }

    public async Task DisposeAsync()
    {
        dynamo.Dispose();
        await simulator.DisposeAsync();
    }

    private MeteringJob Job(IMeteringLedger? with = null) => new(
        with ?? ledger,
        simulator.Metering(maxAttempts: 1), // no client-side retry: the job itself must cope with each fault
        new DimensionMap { Products = { [Product] = new ProductDimensions { DefaultDimension = "consumer_hours" } } },
        MeteringWindow.Marketplace);

    [Fact]
    public async Task Run_ThroughCrashThrottleAndUnprocessedRecords_BillsEachHourExactlyOnce()
    {
        // The simulator checks the 6-hour window against its real clock, so the job runs at the real time too.
        var now = DateTimeOffset.UtcNow;
        var lastHour = MeteringHours.LastCompletedHour(now);
        await ledger.AdvanceWatermarkAsync(lastHour.AddHours(-3), None);
        MeteredSubscription[] subscriptions =
        [
            new(new SubscriptionRef("cust-acme", Product, null, null), Product, PlanTimeline.Constant(["quotes", "trades"]), now.AddDays(-2), null),
            new(new SubscriptionRef(null, Product, "222222222222", GlobexLicense), Product, PlanTimeline.Constant(["quotes", "trades"]), now.AddDays(-2), null),
            new(new SubscriptionRef("cust-initech", Product, null, null), Product, PlanTimeline.Constant(["quotes", "trades"]), now.AddDays(-2), null),
        ];

        // 1. Marketplace bills, then the process dies before writing any answer.
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Job(new CrashingLedger(ledger)).RunAsync(subscriptions, now, None));
        // 2. Throttled: nothing settles, nothing is lost.
        await simulator.SetFaultsAsync(new { throttle = 1, operations = new[] { "BatchMeterUsage" } });
        var throttled = await Job().RunAsync(subscriptions, now, None);
        // 3. Three records come back unprocessed.
        await simulator.SetFaultsAsync(new { unprocessedRecords = 3, operations = new[] { "BatchMeterUsage" } });
        var partial = await Job().RunAsync(subscriptions, now, None);
        // 4. The rest, then 5. nothing left.
        var rest = await Job().RunAsync(subscriptions, now, None);
        var idle = await Job().RunAsync(subscriptions, now, None);

        Assert.True(throttled.Throttled);
        Assert.Equal((0, 9), (throttled.Reported, throttled.Retrying));
        Assert.Equal(3, partial.Retrying);
        Assert.Equal(0, rest.Retrying);
        Assert.Equal(0, idle.Calls);

        var usage = await SimulatorUsageAsync();
        var hours = new[] { lastHour.AddHours(-2), lastHour.AddHours(-1), lastHour };
        Assert.Equal(
            (from customer in new[] { "cust-acme", "cust-globex" } from hour in hours select (customer, "consumer_hours", hour, 2)).Order(),
            usage.Select(u => (u.CustomerIdentifier, u.Dimension, u.Hour, u.Quantity)).Order());

        var entries = await ledger.ListByPeriodAsync(hours[0], lastHour.AddHours(1), None);
        Assert.Equal(9, entries.Count);
        Assert.DoesNotContain(entries, e => e.Status is LedgerStatus.DuplicateRecord or LedgerStatus.Pending or LedgerStatus.Expired);
        Assert.Equal(3, entries.Count(e => e.Status == LedgerStatus.CustomerNotSubscribed && e.Key.CustomerKey == "cust-initech"));
        // The ledger holds the ids Marketplace gave on the first (crashed) call: identical re-sends were the same records.
        Assert.Equal(
            usage.Select(u => u.MeteringRecordId).Order(),
            entries.Where(e => e.Status == LedgerStatus.Reported).Select(e => e.MeteringRecordId!).Order());
    }

    private async Task<List<UsageBody>> SimulatorUsageAsync()
    {
        using var http = simulator.CreateClient();
        return (await http.GetFromJsonAsync<List<UsageBody>>($"/_sim/usage?productCode={Product}"))!;
    }

    private sealed record UsageBody(string MeteringRecordId, string CustomerIdentifier, string? LicenseArn, string Dimension, int Quantity, DateTimeOffset Hour);
}
