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
    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

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
        Assert.True(await store.TrySaveAsync(State(), null, 0, None));

        var stored = await store.GetAsync(State().Key, None);

        Assert.Equal(State(), stored!.State);
        Assert.Equal(1, stored.Version);
    }

    public static TheoryData<string> PendingDecisions() => ["Activate", "MarkFailed", "SendFinalUsage", "ReplanEntitlements", "Revoke", "RevokeFailed"];

    [Theory]
    [MemberData(nameof(PendingDecisions))]
    public async Task SavedWithPendingEffects_ReadsThemBack_AndTheNextSaveWithoutThemClearsThem(string name)
    {
        LifecycleDecision decision = name switch
        {
            "Activate" => new LifecycleDecision.Activate(),
            "MarkFailed" => new LifecycleDecision.MarkFailed(),
            "SendFinalUsage" => new LifecycleDecision.SendFinalUsage(),
            "ReplanEntitlements" => new LifecycleDecision.ReplanEntitlements(),
            "Revoke" => new LifecycleDecision.Revoke(true, SubscriptionStatus.Ended),
            _ => new LifecycleDecision.Revoke(false, SubscriptionStatus.Failed),
        };
        var at = new DateTimeOffset(2026, 11, 20, 9, 15, 2, 117, TimeSpan.Zero).AddTicks(3);
        var pending = new PendingEffects(decision, at, at.AddMinutes(2).AddTicks(1));

        Assert.True(await store.TrySaveAsync(State(), pending, 0, None));
        var withPending = await store.GetAsync(State().Key, None);
        Assert.True(await store.TrySaveAsync(State(), null, 1, None));
        var cleared = await store.GetAsync(State().Key, None);

        Assert.Equal(new StoredSubscriptionState(State(), 1, pending), withPending);
        Assert.Equal(new StoredSubscriptionState(State(), 2), cleared);
    }

    [Fact]
    public async Task Save_OnAStaleVersion_IsRefusedAndChangesNothing()
    {
        await store.TrySaveAsync(State(), null, 0, None);
        await store.TrySaveAsync(State(SubscriptionStatus.PendingUnsubscribe), null, 1, None);

        Assert.False(await store.TrySaveAsync(State(SubscriptionStatus.Ended), null, 1, None));
        Assert.False(await store.TrySaveAsync(State(SubscriptionStatus.Ended), null, 0, None));

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
        Assert.True(await store.TrySaveAsync(cancelled, null, 0, None));
        Assert.True(await store.TrySaveAsync(resubscribed, null, 0, None));

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
