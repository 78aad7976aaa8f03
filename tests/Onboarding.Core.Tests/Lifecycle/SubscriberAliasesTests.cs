using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class SubscriberAliasesTests
{
    private const string Account = "444455556666";
    private const string License = "arn:aws:license-manager::111122223333:license:l-1";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly CustomerIdentity ByLicense = CustomerIdentity.FromAccountAndLicense(Account, License);
    private static readonly CustomerIdentity ByIdentifier = CustomerIdentity.FromCustomerIdentifier("cust-1", "prod-1");

    private static LifecycleEvent Event(LifecycleEventKind kind, SubscriptionRef subscription, int minutes, string id) =>
        new(kind, subscription, T0.AddMinutes(minutes), id, LifecycleEventSource.Sns);

    [Fact]
    public void IdentifierKeys_AreTheDirectKeysOfEachIdentifier_MostSpecificFirst()
    {
        var keys = SubscriberAliases.IdentifierKeys(new SubscriptionRef("cust-1", "prod-1", Account, License, AgreementId: "agmt-1"));

        Assert.Equal(["license:" + License, "agreement:agmt-1", "customer:prod-1:cust-1"], keys);
        Assert.Empty(SubscriberAliases.IdentifierKeys(new SubscriptionRef("cust-1", null, null, null)));
    }

    [Property]
    public Property IdentifierKeys_AlwaysContainTheDirectKeyOfTheNotification(bool withIdentifier, bool withLicense, bool withAgreement)
    {
        var subscription = new SubscriptionRef(
            withIdentifier ? "cust-1" : null, "prod-1", Account, withLicense ? License : null, AgreementId: withAgreement ? "agmt-1" : null);
        return (!subscription.IsIdentifiable || SubscriberAliases.IdentifierKeys(subscription).Contains(subscription.Key)).ToProperty();
    }

    [Fact]
    public void Resolve_ACustomerIdentifierOnlyNotification_ReachesTheSubscriberOnboardedByLicense()
    {
        var alias = new SubscriberAlias(ByLicense.StableId, new SubscriptionRef("cust-1", "prod-1", Account, License));

        var resolution = SubscriberAliases.Resolve([new("customer:prod-1:cust-1", alias)]);

        Assert.Equal(ByLicense.StableId, resolution.StableId);
        Assert.Empty(resolution.Unaliased);
    }

    [Fact]
    public void Resolve_WhenIdentifiersBelongToDifferentSubscribers_TheMostSpecificDecides_AndUnknownOnesAreToBeLearned()
    {
        var secondLicense = new SubscriberAlias(CustomerIdentity.FromAccountAndLicense(Account, License + "2").StableId, new SubscriptionRef(null, null, Account, License + "2"));
        var firstLicense = new SubscriberAlias(ByLicense.StableId, new SubscriptionRef("cust-1", "prod-1", Account, License));

        var resolution = SubscriberAliases.Resolve(
            [new("license:" + License + "2", secondLicense), new("agreement:agmt-2", null), new("customer:prod-1:cust-1", firstLicense)]);

        Assert.Equal(secondLicense.StableId, resolution.StableId);
        Assert.Equal(["agreement:agmt-2"], resolution.Unaliased);
    }

    [Fact]
    public void Resolve_AnUnknownIdentifier_ResolvesToNoSubscriber()
    {
        var resolution = SubscriberAliases.Resolve([new("customer:prod-1:stranger", null)]);

        Assert.Null(resolution.Subscriber);
        Assert.Equal(["customer:prod-1:stranger"], resolution.Unaliased);
    }

    [Fact]
    public void SubscriberKey_RoundTripsTheStableId_AndDirectKeysNameNoSubscriber()
    {
        Assert.Equal(ByLicense.StableId, SubscriberAliases.StableIdOf(SubscriberAliases.SubscriberKey(ByLicense.StableId)));
        Assert.Null(SubscriberAliases.StableIdOf("license:" + License));
        Assert.Null(SubscriberAliases.StableIdOf("subscriber:not-a-stable-id"));
        Assert.Throws<ArgumentException>(() => SubscriberAliases.SubscriberKey("cust-1"));
    }

    [Fact]
    public void Seed_KeepsTheLatestStatusAndEntitlementChangeOfTheDirectStates_AndEveryIdentifier()
    {
        var byIdentifier = SubscriptionStateMachine.Replay(
            [Event(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef("cust-1", "prod-1", null, null), 0, "a")]);
        var byLicense = SubscriptionStateMachine.Replay(
        [
            Event(LifecycleEventKind.EntitlementUpdated, new SubscriptionRef(null, "prod-1", Account, License), 5, "b"),
            Event(LifecycleEventKind.UnsubscribePending, new SubscriptionRef(null, "prod-1", Account, License), 10, "c"),
        ]);
        var key = SubscriberAliases.SubscriberKey(ByLicense.StableId);

        var seed = SubscriberAliases.Seed(key, new SubscriptionRef(null, null, Account, License), [byIdentifier, null, byLicense]);

        Assert.Equal(key, seed.Key);
        Assert.Equal(SubscriptionStatus.PendingUnsubscribe, seed.Status);
        Assert.Equal("c", seed.StatusStamp?.EventId);
        Assert.Equal("b", seed.EntitlementsStamp?.EventId);
        Assert.Equal(new SubscriptionRef("cust-1", "prod-1", Account, License), seed.Subscription);
        Assert.Equal(seed, SubscriberAliases.Seed(key, new SubscriptionRef(null, null, Account, License), [byLicense, byIdentifier]));
    }

    [Fact]
    public void Apply_UnderASubscriberKey_MergesNotificationsCarryingEitherIdentifierIntoOneState()
    {
        var key = SubscriberAliases.SubscriberKey(ByLicense.StableId);
        var active = SubscriptionStateMachine.Apply(null, Event(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef(null, "prod-1", Account, License), 0, "a"), key);

        var ended = SubscriptionStateMachine.Apply(active.State, Event(LifecycleEventKind.UnsubscribeSuccess, new SubscriptionRef("cust-1", "prod-1", null, null), 5, "b"), key);

        Assert.Equal(key, ended.State.Key);
        Assert.Equal(SubscriptionStatus.Ended, ended.State.Status);
        Assert.Equal(new LifecycleDecision.Revoke(true, SubscriptionStatus.Ended), ended.Decision);
        Assert.Throws<ArgumentException>(() => SubscriptionStateMachine.Apply(
            null, Event(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef("cust-1", "prod-1", null, null), 0, "a"), "license:" + License));
    }

    [Fact]
    public void RegistrationGate_ReadsTheSubscribersOwnStateFirst_ThenTheDirectKeysOfEveryResolvedIdentifier()
    {
        var keys = RegistrationGate.StateKeys(ByLicense, new SubscriptionRef("cust-1", "prod-1", Account, License));

        Assert.Equal([SubscriberAliases.SubscriberKey(ByLicense.StableId), "license:" + License, "customer:prod-1:cust-1"], keys);
        Assert.Equal(
            [SubscriberAliases.SubscriberKey(ByIdentifier.StableId), "customer:prod-1:cust-1"],
            RegistrationGate.StateKeys(ByIdentifier, new SubscriptionRef("cust-1", "prod-1", null, null)));
    }

    [Fact]
    public async Task Processor_ACustomerIdentifierOnlyUnsubscribe_RevokesTheSubscriberOnboardedByLicense()
    {
        var store = new AliasStore();
        var alias = new SubscriberAlias(ByLicense.StableId, new SubscriptionRef("cust-1", "prod-1", Account, License));
        store.Aliases["license:" + License] = alias;
        store.Aliases["customer:prod-1:cust-1"] = alias;
        var actions = new KeyRecordingActions();
        var processor = new LifecycleProcessor(store, actions, new NoDeadLetters());

        await processor.HandleAsync("m1", Event(LifecycleEventKind.UnsubscribeSuccess, new SubscriptionRef("cust-1", "prod-1", null, null), 0, "a"), CancellationToken.None);

        Assert.Equal([$"Revoke {SubscriberAliases.SubscriberKey(ByLicense.StableId)}"], actions.Calls);
        Assert.Equal([SubscriberAliases.SubscriberKey(ByLicense.StableId)], store.States.Keys);
    }

    [Fact]
    public async Task Processor_AnAgreementSeenWithAKnownLicense_IsLearned_SoAnAgreementOnlyEventReachesTheSameSubscriber()
    {
        var store = new AliasStore();
        store.Aliases["license:" + License] = new SubscriberAlias(ByLicense.StableId, new SubscriptionRef(null, "prod-1", Account, License));
        var actions = new KeyRecordingActions();
        var processor = new LifecycleProcessor(store, actions, new NoDeadLetters());

        await processor.HandleAsync("m1", Event(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef(null, "prod-1", Account, License, AgreementId: "agmt-1"), 0, "a"), CancellationToken.None);
        await processor.HandleAsync("m2", Event(LifecycleEventKind.AgreementEnded, new SubscriptionRef(null, "prod-1", Account, null, AgreementId: "agmt-1"), 5, "b"), CancellationToken.None);

        var key = SubscriberAliases.SubscriberKey(ByLicense.StableId);
        Assert.Equal(ByLicense.StableId, store.Aliases["agreement:agmt-1"].StableId);
        Assert.Equal([$"Activate {key}", $"Revoke {key}"], actions.Calls);
        Assert.Equal(SubscriptionStatus.Ended, Assert.Single(store.States).Value.State.Status);
    }

    [Fact]
    public async Task Processor_FirstNotificationAfterRegistration_StartsFromWhatWasRecordedBefore_SoFinalUsageIsSent()
    {
        var store = new AliasStore();
        var actions = new KeyRecordingActions();
        var processor = new LifecycleProcessor(store, actions, new NoDeadLetters());
        var both = new SubscriptionRef("cust-1", "prod-1", Account, License);
        await processor.HandleAsync("m1", Event(LifecycleEventKind.SubscribeSuccess, both, 0, "a"), CancellationToken.None);
        store.Aliases["license:" + License] = new SubscriberAlias(ByLicense.StableId, both);
        store.Aliases["customer:prod-1:cust-1"] = new SubscriberAlias(ByLicense.StableId, both);

        await processor.HandleAsync("m2", Event(LifecycleEventKind.UnsubscribePending, new SubscriptionRef("cust-1", "prod-1", null, null), 5, "b"), CancellationToken.None);

        Assert.Equal(["Activate license:" + License, $"SendFinalUsage {SubscriberAliases.SubscriberKey(ByLicense.StableId)}"], actions.Calls);
    }

    [Fact]
    public async Task Processor_AnUnknownIdentifier_OnlyRecordsTheStateUnderItsDirectKey_AndLearnsNoAlias()
    {
        var store = new AliasStore();
        var actions = new KeyRecordingActions();
        var processor = new LifecycleProcessor(store, actions, new NoDeadLetters());

        await processor.HandleAsync("m1", Event(LifecycleEventKind.UnsubscribeSuccess, new SubscriptionRef("stranger", "prod-1", null, null), 0, "a"), CancellationToken.None);

        Assert.Equal(["customer:prod-1:stranger"], store.States.Keys);
        Assert.Empty(store.Aliases);
        Assert.Equal(["Revoke customer:prod-1:stranger"], actions.Calls);
    }

    private sealed class AliasStore : ISubscriptionStateStore
    {
        public Dictionary<string, StoredSubscriptionState> States { get; } = [];

        public Dictionary<string, SubscriberAlias> Aliases { get; } = [];

        public Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken) =>
            Task.FromResult(States.GetValueOrDefault(subscriptionKey));

        public Task<bool> TrySaveAsync(SubscriptionState state, PendingEffects? pending, long expectedVersion, CancellationToken cancellationToken)
        {
            var current = States.GetValueOrDefault(state.Key)?.Version ?? 0;
            if (current != expectedVersion)
            {
                return Task.FromResult(false);
            }

            States[state.Key] = new StoredSubscriptionState(state, current + 1, pending);
            return Task.FromResult(true);
        }

        public Task<SubscriberAlias?> GetAliasAsync(string identifierKey, CancellationToken cancellationToken) =>
            Task.FromResult(Aliases.GetValueOrDefault(identifierKey));

        public Task<SubscriberAlias> RecordAliasAsync(string identifierKey, SubscriberAlias alias, CancellationToken cancellationToken) =>
            Task.FromResult(Aliases.TryAdd(identifierKey, alias) ? alias : Aliases[identifierKey]);
    }

    private sealed class KeyRecordingActions : ILifecycleActions
    {
        public List<string> Calls { get; } = [];

        public Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Activate", state);

        public Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("MarkFailed", state);

        public Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken) => Record("SendFinalUsage", state);

        public Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
            Record("Revoke", state);

        public Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Replan", state);

        private Task Record(string call, SubscriptionState state)
        {
            Calls.Add($"{call} {state.Key}");
            return Task.CompletedTask;
        }
    }

    private sealed class NoDeadLetters : IRejectedNotifications
    {
        public Task RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no notification here is malformed");
    }
}
