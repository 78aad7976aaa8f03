using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.DynamoDb;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SubscriberStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubscriberTableOptions Tables = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    private DynamoDbSubscriberStore Store => new(dynamo, Tables);

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

    private static Subscriber NewSubscriber(CustomerIdentity customer) => Subscriber.Register(
        customer,
        new Registration("Acme, O=Admin", "Jane Doe", "jane@acme.example", null, KeyChoice.OwnCsr, null),
        T0);

    [Fact]
    public async Task Subscriber_SavedAndReadBack_KeepsEveryFieldForBothIdentityModels()
    {
        var legacy = NewSubscriber(CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123")) with { Phone = "+1 206 555 0100" };
        var account = NewSubscriber(CustomerIdentity.FromAccountAndLicense("111122223333", "arn:aws:license-manager::111122223333:license:l-0123"));

        Assert.Equal(1, await Store.SaveAsync(legacy, 0));
        Assert.Equal(1, await Store.SaveAsync(account, 0));

        Assert.Equal(new Versioned<Subscriber>(legacy, 1), await Store.GetAsync(legacy.Customer.StableId));
        Assert.Equal(new Versioned<Subscriber>(account, 1), await Store.GetAsync(account.Customer.StableId));
    }

    [Fact]
    public async Task Subscriber_UnknownCustomer_ReadsAsNull()
    {
        Assert.Null(await Store.GetAsync("mp-aaaaaaaaaaaaaaaaaaaaaaaaaa"));
        Assert.Null(await Store.GetEntitlementsAsync("mp-aaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }

    [Fact]
    public async Task Subscriber_CreatedTwice_SecondCreateFailsAndTheFirstStays()
    {
        var subscriber = NewSubscriber(CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123"));
        await Store.SaveAsync(subscriber, 0);

        var error = await Assert.ThrowsAsync<ConcurrentUpdateException>(() => Store.SaveAsync(subscriber with { Company = "Other" }, 0));

        Assert.Contains("exists already", error.Message, StringComparison.Ordinal);
        Assert.Equal("Acme, O=Admin", (await Store.GetAsync(subscriber.Customer.StableId))!.Value.Company);
    }

    [Fact]
    public async Task Subscriber_UpdatedFromAStaleVersion_IsRefusedAndChangesNothing()
    {
        var subscriber = NewSubscriber(CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123"));
        await Store.SaveAsync(subscriber, 0);
        await Store.SaveAsync(subscriber.WithStatus(SubscriberStatus.Active, T0.AddMinutes(1)), 1);

        await Assert.ThrowsAsync<ConcurrentUpdateException>(() => Store.SaveAsync(subscriber.WithStatus(SubscriberStatus.Unsubscribed, T0.AddMinutes(2)), 1));

        var stored = await Store.GetAsync(subscriber.Customer.StableId);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(SubscriberStatus.Active, stored.Value.Status);
    }

    [Fact]
    public async Task Entitlements_SavedAndReadBack_KeepDimensionsExpiryAndTopics()
    {
        var customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
        var snapshot = new EntitlementSnapshot(
            customer,
            [new Entitlement("pro", 3, T0.AddDays(365)), new Entitlement("basic", 1, null)],
            ["bars.1m.us", "quotes.us", "trades.us"],
            T0);

        Assert.Equal(1, await Store.SaveEntitlementsAsync(snapshot, 0));
        var stored = await Store.GetEntitlementsAsync(customer.StableId);

        Assert.Equal(1, stored!.Version);
        Assert.Equal(snapshot.Entitlements, stored.Value.Entitlements);
        Assert.Equal(snapshot.Topics, stored.Value.Topics);
        Assert.Equal(T0, stored.Value.CheckedAt);
        await Assert.ThrowsAsync<ConcurrentUpdateException>(() => Store.SaveEntitlementsAsync(snapshot with { Topics = [] }, 0));
    }

    [Fact]
    public async Task Entitlements_WithAPlanHistory_ReadBackWithThePlanStartAndEveryPastPeriod()
    {
        var customer = CustomerIdentity.FromAccountAndLicense("111122223333", "arn:aws:license-manager::111122223333:license:l-0123");
        var snapshot = new EntitlementSnapshot(customer, [new Entitlement("basic", 1, null)], ["quotes.us"], T0.AddHours(2))
        {
            PlanSince = T0.AddHours(1).AddMinutes(30),
            PastPlans =
            [
                new PlanPeriod(["bars.1m.us", "quotes.us"], null, T0),
                new PlanPeriod(["quotes.us", "trades.us"], T0.AddMinutes(15), T0.AddHours(1).AddMinutes(30)),
            ],
        };

        await Store.SaveEntitlementsAsync(snapshot, 0);
        var stored = (await Store.GetEntitlementsAsync(customer.StableId))!.Value;

        Assert.Equal(snapshot.PlanSince, stored.PlanSince);
        Assert.Equal(
            snapshot.PastPlans.Select(p => (string.Join(',', p.Topics), p.From, p.Until)),
            stored.PastPlans.Select(p => (string.Join(',', p.Topics), p.From, p.Until)));
    }

    [Fact]
    public async Task Entitlements_WrittenBeforePlansHadAHistory_ReadAsAPlanInForceSinceTheSubscriptionStarted()
    {
        var customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Tables.SubscribersTable,
            Item = new()
            {
                [SubscriberTables.PartitionKey] = new() { S = SubscriberTables.CustomerKey(customer.StableId) },
                [SubscriberTables.SortKey] = new() { S = SubscriberTables.EntitlementsSortKey },
                ["customerId"] = new() { S = customer.StableId },
                ["identityModel"] = new() { S = "CustomerIdentifier" },
                ["customerIdentifier"] = new() { S = "Ex8Ej5jR8fL" },
                ["productCode"] = new() { S = "prod-abc123" },
                ["version"] = new() { N = "3" },
                ["entitlements"] = new() { L = [new() { M = new() { ["dimension"] = new() { S = "pro" }, ["quantity"] = new() { N = "1" } } }] },
                ["topics"] = new() { L = [new() { S = "quotes.us" }, new() { S = "trades.us" }] },
                ["checkedAt"] = new() { S = "2026-11-23T12:00:00.0000000Z" },
            },
        });

        var stored = await Store.GetEntitlementsAsync(customer.StableId);

        Assert.Equal(3, stored!.Version);
        Assert.Equal(["quotes.us", "trades.us"], stored.Value.Topics);
        Assert.Null(stored.Value.PlanSince);
        Assert.Empty(stored.Value.PastPlans);
        var next = PlanHistory.Next(stored.Value, customer, [], ["quotes.us"], T0.AddHours(1));
        Assert.Equal(4, await Store.SaveEntitlementsAsync(next, stored.Version));
        var changed = (await Store.GetEntitlementsAsync(customer.StableId))!.Value;
        Assert.Equal(T0.AddHours(1), changed.PlanSince);
        var period = Assert.Single(changed.PastPlans);
        Assert.Equal(("quotes.us,trades.us", (DateTimeOffset?)null, T0.AddHours(1)), (string.Join(',', period.Topics), period.From, period.Until));
    }

    [Fact]
    public async Task List_ReturnsEverySubscriberProfileOnly()
    {
        var customers = Enumerable.Range(0, 5).Select(i => CustomerIdentity.FromCustomerIdentifier($"customer-{i}", "prod-abc123")).ToList();
        foreach (var customer in customers)
        {
            await Store.SaveAsync(NewSubscriber(customer), 0);
            await Store.SaveEntitlementsAsync(new EntitlementSnapshot(customer, [], [], T0), 0);
        }

        var listed = new List<Subscriber>();
        await foreach (var subscriber in Store.ListAsync())
        {
            listed.Add(subscriber);
        }

        Assert.Equal(customers.Select(c => c.StableId).Order(), listed.Select(s => s.Customer.StableId).Order());
    }
}
