using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Onboarding.Api;
using Onboarding.Api.Finance;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Metering;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Finance;

/// <summary>The whole API with its ledger table on moto, a fixed clock and the given finance settings.</summary>
internal sealed class FinanceAppFactory(MotoFixture moto, string? apiKey, bool underLambda = false) : WebApplicationFactory<ApiApp>
{
    public const string Table = "ledger";

    public static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> OnboardingSettings = new()
    {
        ["SUBSCRIBERS_TABLE"] = "subscribers",
        ["ONBOARDING_TABLE"] = "onboarding",
        ["CERTIFICATE_AUTHORITY_ARN"] = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/00000000-0000-0000-0000-000000000000",
        ["SECRET_PREFIX"] = "marketplace-feed/subscribers/",
        ["CERTIFICATE_ORGANIZATION"] = "Example Market Data, Inc.",
        ["CERTIFICATE_ORGANIZATIONAL_UNIT"] = "Feed Subscribers",
        ["KAFKA_BOOTSTRAP_SERVERS"] = "127.0.0.1:9",
        ["KAFKA_BOOTSTRAP_SERVERS_PUBLIC"] = "b-1.feed.example.com:9194",
        ["PRODUCT_CODE"] = "prod-feed",
        ["MARKETPLACE_MODEL"] = "subscription",
        ["FEED_TOPICS_BY_DIMENSION"] = """{"feed_hours":["quotes.us"]}""",
        ["LOG_LEVEL"] = "Warning",
    };

    public AmazonDynamoDBClient Dynamo { get; } = moto.NewDynamoDbClient();

    public DynamoDbMeteringLedger Ledger => new(Dynamo, new MeteringLedgerOptions { TableName = Table });

    public async Task CreateLedgerAsync() => await Dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest(Table));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The onboarding part of the app validates its settings at start; the finance view never calls those services.
        foreach (var (name, value) in OnboardingSettings)
        {
            builder.UseSetting(name, value);
        }

        builder.UseSetting(FinanceOptions.LedgerTableVariable, Table);
        builder.UseSetting(FinanceOptions.ApiKeyVariable, apiKey ?? "");
        builder.UseSetting(FinanceOptions.LambdaRuntimeApiVariable, underLambda ? "127.0.0.1:9001" : "");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IAmazonDynamoDB>();
            services.AddSingleton<IAmazonDynamoDB>(Dynamo);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new FixedClock(Now));
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Dynamo.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Two customers over two days (one in each identifier model), every Marketplace outcome represented.</summary>
    public static IReadOnlyList<LedgerEntry> SampleEntries()
    {
        var day1 = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var day2 = new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);
        const string license = "arn:aws:license-manager::222222222222:license:l-abc";
        LedgerEntry Legacy(DateTimeOffset hour, string dimension, int quantity, LedgerStatus status, string? id = null, string? detail = null) =>
            new(new UsageKey("cust-acme", "prod-feed", dimension, hour), quantity, status, "cust-acme", null, null, hour, hour, 1, id, detail);
        LedgerEntry Licensed(DateTimeOffset hour, int quantity, LedgerStatus status) =>
            new(new UsageKey(license, "prod-feed", "feed_hours", hour), quantity, status, null, "222222222222", license, hour, hour, 1, "rec-l");
        return
        [
            Legacy(day1, "feed_hours", 3, LedgerStatus.Reported, "rec-1"),
            Legacy(day1.AddHours(1), "feed_hours", 3, LedgerStatus.Reported, "rec-2"),
            Legacy(day1, "trade_feed_hours", 1, LedgerStatus.DuplicateRecord, "rec-3", "Marketplace: DuplicateRecord."),
            Legacy(day2, "feed_hours", 3, LedgerStatus.Pending),
            Licensed(day1, 2, LedgerStatus.Reported),
            Licensed(day2, 2, LedgerStatus.CustomerNotSubscribed),
        ];
    }

    public async Task SeedAsync()
    {
        await CreateLedgerAsync();
        foreach (var entry in SampleEntries())
        {
            Assert.True(await Ledger.TryCreateAsync(entry, CancellationToken.None));
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
