using Amazon.DynamoDBv2;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Metering;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Metering;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SubscriberMeteredSubscriptionsTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubscriberTableOptions Tables = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };
    private const string License = "arn:aws:license-manager::111122223333:license:l-1";

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

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
    public async Task List_GivesSubscribersWithAccessOrEndedSinceWithTheirPlannedFeedsBilledByTheirOnboardedIdentity()
    {
        var subscribers = new DynamoDbSubscriberStore(dynamo, Tables);
        var active = CustomerIdentity.FromAccountAndLicense("444455556666", License);
        var legacy = CustomerIdentity.FromCustomerIdentifier("cust-legacy", "prod-1");
        var endedLongAgo = CustomerIdentity.FromCustomerIdentifier("cust-gone", "prod-1");
        var registering = CustomerIdentity.FromCustomerIdentifier("cust-new", "prod-1");
        await Save(subscribers, active, SubscriberStatus.Active, T0);
        await subscribers.SaveEntitlementsAsync(new EntitlementSnapshot(active, [], ["quotes.us", "trades.us"], T0), 0);
        await Save(subscribers, legacy, SubscriberStatus.Unsubscribed, T0.AddDays(2)); // ended after `since`
        await subscribers.SaveEntitlementsAsync(new EntitlementSnapshot(legacy, [], ["bars.1m"], T0), 0);
        await Save(subscribers, endedLongAgo, SubscriberStatus.Unsubscribed, T0.AddHours(1));
        await subscribers.SaveEntitlementsAsync(new EntitlementSnapshot(endedLongAgo, [], ["bars.1m"], T0), 0);
        await Save(subscribers, registering, SubscriberStatus.Registering, T0);

        var listed = await new SubscriberMeteredSubscriptions(subscribers, "prod-1").ListAsync(T0.AddDays(1), CancellationToken.None);

        Assert.Equal(2, listed.Subscriptions.Count);
        Assert.Empty(listed.CustomersWithoutPlan);
        var byLicense = Assert.Single(listed.Subscriptions, s => s.Customer.LicenseArn == License);
        Assert.Equal((new SubscriptionRef(null, "prod-1", "444455556666", License), "prod-1", (DateTimeOffset?)null), (byLicense.Customer, byLicense.ProductCode, byLicense.ActiveUntil));
        Assert.Equal(["quotes.us", "trades.us"], byLicense.FeedsDuring(T0.AddDays(1)));
        var byIdentifier = Assert.Single(listed.Subscriptions, s => s.Customer.CustomerIdentifier == "cust-legacy");
        Assert.Equal(["bars.1m"], byIdentifier.FeedsDuring(T0.AddDays(1)));
        Assert.Equal(T0.AddDays(2), byIdentifier.ActiveUntil);
    }

    [Fact]
    public async Task List_ForASubscriberWhosePlanWasCutToNoFeeds_BillsTheHoursBeforeTheCutOnlyAndNeverItsOnboardingRecordsFeeds()
    {
        // A lifecycle re-plan that removes every feed (entitlement ended, contract without a known dimension) writes an
        // empty plan and removes the ACLs, but leaves the subscriber Active and the onboarding record's first topics.
        var subscribers = new DynamoDbSubscriberStore(dynamo, Tables);
        var onboarding = new DynamoDbOnboardingStore(dynamo, Tables);
        var customer = CustomerIdentity.FromCustomerIdentifier("cust-cut", "prod-1");
        var cutAt = T0.AddHours(3).AddMinutes(30);
        await Save(subscribers, customer, SubscriberStatus.Active, T0);
        await onboarding.StartAsync(OnboardingMachine.Start(customer, T0) with { Topics = ["bars.1m", "trades"] });
        var first = PlanHistory.Next(null, customer, [], ["bars.1m", "trades"], T0);
        var version = await subscribers.SaveEntitlementsAsync(first, 0);
        await subscribers.SaveEntitlementsAsync(PlanHistory.Next(first, customer, [], [], cutAt), version);

        var stillMetering = await new SubscriberMeteredSubscriptions(subscribers, "prod-1").ListAsync(T0.AddHours(3), CancellationToken.None);
        var afterTheCut = await new SubscriberMeteredSubscriptions(subscribers, "prod-1").ListAsync(T0.AddHours(4), CancellationToken.None);

        var subscription = Assert.Single(stillMetering.Subscriptions);
        Assert.Equal(["bars.1m", "trades"], subscription.FeedsDuring(T0.AddHours(3)));
        Assert.Empty(subscription.FeedsDuring(T0.AddHours(4)));
        Assert.Empty(afterTheCut.Subscriptions);
        Assert.Empty(afterTheCut.CustomersWithoutPlan);
    }

    [Fact]
    public async Task List_ForAPlanDowngradedWithinAnHour_BillsThatHourForBothPlansAndTheNextForTheNewOne()
    {
        var subscribers = new DynamoDbSubscriberStore(dynamo, Tables);
        var customer = CustomerIdentity.FromCustomerIdentifier("cust-down", "prod-1");
        await Save(subscribers, customer, SubscriberStatus.Active, T0);
        var first = PlanHistory.Next(null, customer, [], ["quotes.us", "trades.us"], T0);
        var version = await subscribers.SaveEntitlementsAsync(first, 0);
        await subscribers.SaveEntitlementsAsync(PlanHistory.Next(first, customer, [], ["quotes.us"], T0.AddHours(2).AddMinutes(30)), version);

        var listed = await new SubscriberMeteredSubscriptions(subscribers, "prod-1").ListAsync(T0.AddHours(1), CancellationToken.None);

        var subscription = Assert.Single(listed.Subscriptions);
        Assert.Equal(["quotes.us", "trades.us"], subscription.FeedsDuring(T0.AddHours(2)));
        Assert.Equal(["quotes.us"], subscription.FeedsDuring(T0.AddHours(3)));
    }

    [Fact]
    public async Task List_ForASubscriberWithAccessButNoPlan_ReportsItInsteadOfSkippingItSilently()
    {
        var subscribers = new DynamoDbSubscriberStore(dynamo, Tables);
        var planned = CustomerIdentity.FromCustomerIdentifier("cust-planned", "prod-1");
        var unplanned = CustomerIdentity.FromCustomerIdentifier("cust-unplanned", "prod-1");
        var unplannedButEnded = CustomerIdentity.FromCustomerIdentifier("cust-ended", "prod-1");
        await Save(subscribers, planned, SubscriberStatus.Active, T0);
        await subscribers.SaveEntitlementsAsync(new EntitlementSnapshot(planned, [], ["bars.1m"], T0), 0);
        await Save(subscribers, unplanned, SubscriberStatus.UnsubscribePending, T0);
        await Save(subscribers, unplannedButEnded, SubscriberStatus.Unsubscribed, T0);

        var listed = await new SubscriberMeteredSubscriptions(subscribers, "prod-1").ListAsync(T0.AddHours(1), CancellationToken.None);

        Assert.Equal("cust-planned", Assert.Single(listed.Subscriptions).Customer.CustomerIdentifier);
        Assert.Equal([unplanned.StableId], listed.CustomersWithoutPlan);
    }

    private static Task<long> Save(DynamoDbSubscriberStore store, CustomerIdentity customer, SubscriberStatus status, DateTimeOffset updated) =>
        store.SaveAsync(new Subscriber(customer, "Co", "Contact", "c@example.com", null, status, T0, updated), 0);
}
