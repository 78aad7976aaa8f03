using System.Text.Json;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Observability;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.IntegrationTests.OnboardingFlow;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Metering;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MeteringFunctionTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest("ledger"));
    }

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ScheduledSampleEvent_RunsOneMeteringHourAndWritesOneMetricsLine()
    {
        var trigger = JsonSerializer.Deserialize(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", "schedule-hourly.json")), MeteringJsonContext.Default.ScheduledEvent)!;
        var now = trigger.Time.AddSeconds(3);
        var ledger = new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = "ledger" });
        await ledger.AdvanceWatermarkAsync(MeteringHours.LastCompletedHour(now) - MeteringHours.Hour, CancellationToken.None);
        var marketplace = new FakeMarketplaceMetering();
        var settings = MeteringSettings.FromEnvironment(name => name switch
        {
            MeteringSettings.LedgerTableVariable => "ledger",
            MeteringSettings.SubscribersTableVariable => "subscribers",
            MeteringSettings.ProductCodeVariable => "P1",
            MeteringSettings.DimensionsVariable => """{"products":{"P1":{"feeds":{"trades":"trade_feed_hours"}}}}""",
            _ => null,
        });
        var metrics = new StringWriter();
        var function = new MeteringFunction(
            new MeteringJob(ledger, marketplace, settings.Dimensions, settings.Window),
            new FixedSubscriptions(new MeteredSubscription(new SubscriptionRef("C1", "P1", null, null), "P1", PlanTimeline.Constant(["quotes", "bars", "trades"]), now.AddDays(-1), null)),
            settings.Window,
            new FixedClock(now),
            NullLogger<MeteringFunction>.Instance,
            new EmbeddedMetrics(metrics, EmbeddedMetrics.DefaultNamespace, new FixedClock(now)) { Service = "metering" });

        var report = await function.HandleAsync(trigger, CancellationToken.None);

        Assert.Equal("Scheduled Event", trigger.DetailType);
        Assert.Equal(2, report.Reported);
        Assert.Equal(
            [("C1", "feed_hours", new DateTime(2026, 11, 23, 15, 0, 0, DateTimeKind.Utc), 2), ("C1", "trade_feed_hours", new DateTime(2026, 11, 23, 15, 0, 0, DateTimeKind.Utc), 1)],
            marketplace.Billed.OrderBy(b => b.Dimension));
        var lines = metrics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var emf = JsonDocument.Parse(lines[0]);
        Assert.Equal(1, emf.RootElement.GetProperty("MeteringCalls").GetInt32());
        Assert.Equal(2, emf.RootElement.GetProperty("MeteringRecordsReported").GetInt32());
        Assert.Equal("MarketplaceFeed", emf.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        using var alarmLine = JsonDocument.Parse(lines[1]);
        var directive = alarmLine.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal(0, directive.GetProperty("Dimensions")[0].GetArrayLength());
        Assert.Equal(MeteringFunction.FailedRecordsMetric, directive.GetProperty("Metrics")[0].GetProperty("Name").GetString());
        Assert.Equal(0, alarmLine.RootElement.GetProperty(MeteringFunction.FailedRecordsMetric).GetInt32());
    }

    [Fact]
    public async Task Run_WithASubscriberThatHasAccessButNoPlan_BillsTheOthersAndRaisesTheFailedRecordsAlarmNamingIt()
    {
        var trigger = JsonSerializer.Deserialize(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", "schedule-hourly.json")), MeteringJsonContext.Default.ScheduledEvent)!;
        var now = trigger.Time.AddSeconds(3);
        var ledger = new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = "ledger" });
        await ledger.AdvanceWatermarkAsync(MeteringHours.LastCompletedHour(now) - MeteringHours.Hour, CancellationToken.None);
        var marketplace = new FakeMarketplaceMetering();
        var metrics = new StringWriter();
        using var logs = new CapturedLogs();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var billed = new MeteredSubscription(new SubscriptionRef("C1", "P1", null, null), "P1", PlanTimeline.Constant(["quotes"]), now.AddDays(-1), null);
        var function = new MeteringFunction(
            new MeteringJob(ledger, marketplace, new DimensionMap(), MeteringWindow.Marketplace),
            new FixedSubscriptions(new SubscriptionsToMeter([billed], ["CUSTOMER#C2"])),
            MeteringWindow.Marketplace,
            new FixedClock(now),
            loggerFactory.CreateLogger<MeteringFunction>(),
            new EmbeddedMetrics(metrics, EmbeddedMetrics.DefaultNamespace, new FixedClock(now)) { Service = "metering" });

        var report = await function.HandleAsync(trigger, CancellationToken.None);

        Assert.Equal([("C1", "feed_hours", new DateTime(2026, 11, 23, 15, 0, 0, DateTimeKind.Utc), 1)], marketplace.Billed);
        Assert.Equal(1, report.SubscribersWithoutPlan);
        var lines = metrics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var emf = JsonDocument.Parse(lines[0]);
        Assert.Equal(1, emf.RootElement.GetProperty("MeteringSubscribersWithoutPlan").GetInt32());
        using var alarmLine = JsonDocument.Parse(lines[1]);
        Assert.Equal(1, alarmLine.RootElement.GetProperty(MeteringFunction.FailedRecordsMetric).GetInt32());
        Assert.Contains(logs.All.Split('\n'), line => line.StartsWith("Error ", StringComparison.Ordinal) && line.Contains("CUSTOMER#C2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MeteringSettings.LedgerTableVariable, "", "METERING_LEDGER_TABLE must name")]
    [InlineData(MeteringSettings.DimensionsVariable, "{\"products\":{\"P1\":{\"feeds\":{\"trades\":\"\"}}}}", "'products.P1.feeds.trades' must be a non-empty dimension name")]
    [InlineData(MeteringSettings.DimensionsVariable, "feed_hours", "METERING_DIMENSIONS is not valid JSON")]
    [InlineData(MeteringSettings.SafetyMarginVariable, "ten", "METERING_SAFETY_MARGIN_MINUTES must be a whole number from 0 to 120, not 'ten'")]
    [InlineData(MeteringSettings.SubscribersTableVariable, " ", "SUBSCRIBERS_TABLE must name the subscribers table")]
    [InlineData(MeteringSettings.ProductCodeVariable, "", "PRODUCT_CODE must be the Marketplace product code")]
    public void Settings_WithABadVariable_FailWithAMessageNamingIt(string variable, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => MeteringSettings.FromEnvironment(name =>
            name == variable ? value : name switch
            {
                MeteringSettings.LedgerTableVariable => "ledger",
                MeteringSettings.SubscribersTableVariable => "subscribers",
                MeteringSettings.ProductCodeVariable => "P1",
                _ => null,
            }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private sealed class FixedSubscriptions(SubscriptionsToMeter subscriptions) : IMeteredSubscriptions
    {
        public FixedSubscriptions(params MeteredSubscription[] subscriptions)
            : this(SubscriptionsToMeter.Of(subscriptions))
        {
        }

        public Task<SubscriptionsToMeter> ListAsync(DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult(subscriptions);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
