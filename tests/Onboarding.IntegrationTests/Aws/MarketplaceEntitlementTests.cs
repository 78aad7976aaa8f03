using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MarketplaceEntitlementTests(SimulatorFixture simulator) : IAsyncLifetime
{
    private const string Contract = "sim-rtfeed-contract";

    public Task InitializeAsync() => simulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetAllEntitlements_SmallPages_FollowsNextTokenToEveryEntitlement()
    {
        var client = simulator.Entitlements();

        var first = await client.GetEntitlementsAsync(new() { ProductCode = Contract, MaxResults = 2 });
        var all = await client.GetAllEntitlementsAsync(new() { ProductCode = Contract, MaxResults = 2 }).ToListAsync();

        Assert.Equal(2, first.Entitlements!.Count);
        Assert.NotNull(first.NextToken);
        // Globex has 4 contract entitlements, Umbrella 2; Initech's subscription is cancelled.
        Assert.Equal(6, all.Count);
        Assert.Equal(6, all.Select(e => (e.CustomerIdentifier, e.Dimension)).Distinct().Count());
        Assert.DoesNotContain(all, e => e.CustomerIdentifier == "cust-initech");
    }

    [Fact]
    public async Task GetEntitlements_CustomerFilter_ReturnsEveryValueKind()
    {
        var response = await simulator.Entitlements().GetEntitlementsAsync(new()
        {
            ProductCode = Contract,
            Filter = new() { [GetEntitlementFilterName.CUSTOMER_IDENTIFIER] = ["cust-globex"] },
        });

        var byDimension = response.Entitlements!.ToDictionary(e => e.Dimension!);
        Assert.Null(response.NextToken);
        Assert.Equal(5, byDimension["feeds"].Value!.IntegerValue);
        Assert.True(byDimension["premium_support"].Value!.BooleanValue);
        Assert.Equal(7.5, byDimension["retention_days"].Value!.DoubleValue);
        Assert.Equal("gold", byDimension["tier"].Value!.StringValue);
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), byDimension["feeds"].ExpirationDate);
        Assert.All(response.Entitlements!, e => Assert.Equal("222222222222", e.CustomerAWSAccountId));
    }

    [Fact]
    public async Task GetEntitlements_AccountIdAndLicenseArnFilters_SelectOneCustomer()
    {
        var client = simulator.Entitlements();

        var byAccount = await client.GetEntitlementsAsync(new()
        {
            ProductCode = Contract,
            Filter = new() { [GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID] = ["333333333333"] },
        });
        var byLicense = await client.GetEntitlementsAsync(new()
        {
            ProductCode = Contract,
            Filter = new()
            {
                [GetEntitlementFilterName.LICENSE_ARN] = ["arn:aws:license-manager::333333333333:license:l-umbrella0000000000000000contract"],
                [GetEntitlementFilterName.DIMENSION] = ["feeds"],
            },
        });

        Assert.Equal(2, byAccount.Entitlements!.Count);
        Assert.All(byAccount.Entitlements, e => Assert.Equal("cust-umbrella", e.CustomerIdentifier));
        Assert.Equal(2, Assert.Single(byLicense.Entitlements!).Value!.IntegerValue);
    }

    [Fact]
    public async Task GetEntitlements_UnknownFilterOrProduct_ThrowsInvalidParameterNamingTheProduct()
    {
        var client = simulator.Entitlements();

        var badFilter = await Assert.ThrowsAsync<InvalidParameterException>(() => client.GetEntitlementsAsync(new()
        {
            ProductCode = Contract,
            Filter = new() { ["CUSTOMER_NAME"] = ["Globex"] },
        }));
        var badProduct = await Assert.ThrowsAsync<InvalidParameterException>(() => client.GetEntitlementsAsync(new() { ProductCode = "nope" }));

        Assert.Contains("CUSTOMER_NAME", badFilter.AwsMessage, StringComparison.Ordinal);
        Assert.Contains("Marketplace Entitlement Service GetEntitlements failed for product nope", badProduct.Message, StringComparison.Ordinal);
    }
}
