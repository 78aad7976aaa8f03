using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Onboarding;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.DynamoDb;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LandingStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Account = "111122223333";
    private const string License = "arn:aws:license-manager::111122223333:license:l-0123";
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubscriberTableOptions Tables = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    private DynamoDbLandingStore Store => new(dynamo, Tables);

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await SubscriberTables.CreateAsync(dynamo, Tables);
    }

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Session_ReadBack_KeepsEveryIdentifierResolveCustomerReturned_SoRegistrationChecksTheStateUnderBothKeys()
    {
        var customer = CustomerIdentity.FromAccountAndLicense(Account, License);
        var session = new LandingSession(customer, new SubscriptionRef("cust-acme", "prod-1", Account, License));

        await Store.CreateSessionAsync("hash-1", session, T0.AddHours(1));
        var read = await Store.GetSessionAsync("hash-1", T0);

        Assert.NotNull(read);
        Assert.Equal(customer, read.Customer);
        Assert.Equal(session.Resolved, read.Resolved);
        Assert.Equal(["subscriber:" + customer.StableId, "license:" + License, "customer:prod-1:cust-acme"], read.SubscriptionKeys);
    }

    [Fact]
    public async Task Session_StoredWithoutResolvedIdentifiers_ReadsAsTheIdentityAloneAndStillChecksItsOwnKey()
    {
        var customer = CustomerIdentity.FromCustomerIdentifier("cust-acme", "prod-1");
        // The shape sessions had before the resolved identifiers were kept.
        var item = new Dictionary<string, AttributeValue>
        {
            [SubscriberTables.PartitionKey] = new() { S = "SESSION#hash-old" },
            ["customerId"] = new() { S = customer.StableId },
            ["identityModel"] = new() { S = nameof(CustomerIdentityModel.CustomerIdentifier) },
            ["customerIdentifier"] = new() { S = "cust-acme" },
            ["productCode"] = new() { S = "prod-1" },
            ["expiresAt"] = new() { N = T0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Tables.OnboardingTable, Item = item });

        var read = await Store.GetSessionAsync("hash-old", T0);

        Assert.Equal(LandingSession.Of(customer), read);
        Assert.Equal(["subscriber:" + customer.StableId, "customer:prod-1:cust-acme"], read!.SubscriptionKeys);
    }

    [Fact]
    public async Task Session_AfterItsExpiry_IsNotFound()
    {
        await Store.CreateSessionAsync("hash-2", LandingSession.Of(CustomerIdentity.FromCustomerIdentifier("cust-acme", "prod-1")), T0.AddMinutes(1));

        Assert.Null(await Store.GetSessionAsync("hash-2", T0.AddMinutes(1)));
    }
}
