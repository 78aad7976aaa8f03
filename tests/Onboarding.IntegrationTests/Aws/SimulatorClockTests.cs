using Marketplace.Simulator.Catalogue;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>Time rules of the simulator, on a clock the test moves by hand.</summary>
[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SimulatorClockTests(SimulatorFixture simulator)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task MintedToken_OlderThanItsLifetime_IsExpired()
    {
        var clock = new ManualClock(Start);
        using var factory = WithClock(clock);
        var metering = new AmazonAWSMarketplaceMeteringClient(simulator.AwsOptions() with { ServiceUrl = factory.Server.BaseAddress }, factory.CreateClient());
        var token = factory.Services.GetRequiredService<Marketplace.Simulator.Metering.MarketplaceState>().MintToken("cust-acme", "sim-rtfeed-payg");

        clock.Now = Start.AddMinutes(59);
        var resolved = await metering.ResolveCustomerAsync(new() { RegistrationToken = token });
        clock.Now = Start.AddMinutes(61);

        Assert.Equal("cust-acme", resolved.CustomerIdentifier);
        await Assert.ThrowsAsync<ExpiredTokenException>(() => metering.ResolveCustomerAsync(new() { RegistrationToken = token }));
    }

    [Theory]
    [InlineData(-359, true)]
    [InlineData(-361, false)]
    public async Task UsageRecord_SixHourWindow_IsEnforcedAtTheBoundary(int minutesOld, bool accepted)
    {
        using var factory = WithClock(new ManualClock(Start));
        var metering = new AmazonAWSMarketplaceMeteringClient(simulator.AwsOptions() with { ServiceUrl = factory.Server.BaseAddress }, factory.CreateClient());
        var request = new BatchMeterUsageRequest
        {
            ProductCode = "sim-rtfeed-payg",
            UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 1, Timestamp = Start.AddMinutes(minutesOld).UtcDateTime }],
        };

        if (accepted)
        {
            Assert.Equal(UsageRecordResultStatus.Success, (await metering.BatchMeterUsageAsync(request)).Results![0].Status);
        }
        else
        {
            await Assert.ThrowsAsync<TimestampOutOfBoundsException>(() => metering.BatchMeterUsageAsync(request));
        }
    }

    [Fact]
    public void ShippedCatalogue_IsConsistent()
    {
        var catalogue = MarketplaceCatalogue.Load(Path.Combine(AppContext.BaseDirectory, "catalogue.json"));

        Assert.Empty(catalogue.Validate());
        Assert.Contains(catalogue.Products, p => p.PricingModel == PricingModel.Subscription);
        Assert.Contains(catalogue.Products, p => p.PricingModel == PricingModel.Contract);
        Assert.Contains(catalogue.Tokens, t => t.Status == TokenStatus.Expired);
        Assert.Contains(catalogue.Tokens, t => t.Status == TokenStatus.Invalid);
    }

    [Fact]
    public void Catalogue_SubscriptionToUnknownProduct_IsReportedByName()
    {
        var catalogue = new MarketplaceCatalogue
        {
            Customers = [new Customer { CustomerIdentifier = "c1", AwsAccountId = "111111111111", Name = "C1", Subscriptions = [new Subscription { ProductCode = "ghost", LicenseArn = "arn" }] }],
        };

        Assert.Contains("customer c1 subscribes to unknown product ghost", catalogue.Validate());
    }

    private WebApplicationFactory<Marketplace.Simulator.SimulatorApp> WithClock(TimeProvider clock) =>
        simulator.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton(clock)));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
