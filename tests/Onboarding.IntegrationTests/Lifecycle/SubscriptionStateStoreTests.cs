using Amazon.DynamoDBv2;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Lifecycle;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Lifecycle;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SubscriptionStateStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SubscriberTableOptions tables = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };
    private readonly AmazonDynamoDBClient dynamo = new(
        MotoFixture.Credentials, new AmazonDynamoDBConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = MotoFixture.Region });

    private DynamoDbSubscriptionStateStore store = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await SubscriberTables.CreateAsync(dynamo, tables);
        store = new DynamoDbSubscriptionStateStore(dynamo, tables);
    }

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    private static SubscriptionState State(SubscriptionStatus status = SubscriptionStatus.Active) => new(
        "license:arn:aws:license-manager::111122223333:license:l-1",
        new SubscriptionRef("cust-1", "prod-1", "444455556666", "arn:aws:license-manager::111122223333:license:l-1", "prod-x", "agmt-1"),
        status,
        new EventStamp(new DateTimeOffset(2026, 11, 20, 9, 15, 2, 117, TimeSpan.Zero).AddTicks(3), 1, "sns-1"),
        null);

    [Fact]
    public async Task Saved_ReadsBackEqualWithVersionOne()
    {
        Assert.True(await store.TrySaveAsync(State(), 0, None));

        var stored = await store.GetAsync(State().Key, None);

        Assert.Equal(State(), stored!.State);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task Save_OnAStaleVersion_IsRefusedAndChangesNothing()
    {
        await store.TrySaveAsync(State(), 0, None);
        await store.TrySaveAsync(State(SubscriptionStatus.PendingUnsubscribe), 1, None);

        Assert.False(await store.TrySaveAsync(State(SubscriptionStatus.Ended), 1, None));
        Assert.False(await store.TrySaveAsync(State(SubscriptionStatus.Ended), 0, None));

        var stored = await store.GetAsync(State().Key, None);
        Assert.Equal((SubscriptionStatus.PendingUnsubscribe, 2L), (stored!.State.Status, stored.Version));
    }

    [Fact]
    public async Task StatesOfOneSubscriptionUnderBothKeys_ReadBackInTheStateMachinesOrder_SoRegistrationSeesTheLatestStatus()
    {
        // One subscription, notified once with its license ARN and once with only its customer identifier, 1 tick apart:
        // the stored stamps must keep that order, else the tie would go to the cancellation.
        const string license = "arn:aws:license-manager::111122223333:license:l-9";
        var at = new DateTimeOffset(2026, 11, 20, 9, 15, 2, 117, TimeSpan.Zero).AddTicks(5);
        var cancelled = SubscriptionStateMachine.Replay(
            [new LifecycleEvent(LifecycleEventKind.UnsubscribeSuccess, new SubscriptionRef("cust-9", "prod-1", null, null), at, "sns-1", LifecycleEventSource.Sns)])!;
        var resubscribed = SubscriptionStateMachine.Replay(
            [new LifecycleEvent(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef(null, "prod-1", "444455556666", license), at.AddTicks(1), "sns-2", LifecycleEventSource.Sns)])!;
        Assert.True(await store.TrySaveAsync(cancelled, 0, None));
        Assert.True(await store.TrySaveAsync(resubscribed, 0, None));

        var keys = RegistrationGate.SubscriptionKeys(CustomerIdentity.FromAccountAndLicense("444455556666", license))
            .Concat(RegistrationGate.SubscriptionKeys(CustomerIdentity.FromCustomerIdentifier("cust-9", "prod-1")));
        var states = new List<SubscriptionState?>();
        foreach (var key in keys)
        {
            states.Add((await store.GetAsync(key, None))?.State);
        }

        Assert.Equal([resubscribed, cancelled], states);
        Assert.Equal(RegistrationVerdict.Allowed, RegistrationGate.Decide(states));
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, RegistrationGate.Decide([cancelled, (await store.GetAsync("license:arn:aws:license-manager::1:license:none", None))?.State]));
    }

    [Fact]
    public async Task Get_OfAnUnknownSubscription_IsNull() => Assert.Null(await store.GetAsync("license:none", None));
}
