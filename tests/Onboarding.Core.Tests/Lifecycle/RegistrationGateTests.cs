using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class RegistrationGateTests
{
    private const string Account = "444455556666";
    private const string License = "arn:aws:license-manager::111122223333:license:l-1";
    private static readonly SubscriptionRef Customer = new("C1", "P1", Account, License);
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static LifecycleEvent At(LifecycleEventKind kind, int minutes, SubscriptionRef? subscription = null) =>
        new(kind, subscription ?? Customer, T0.AddMinutes(minutes), $"{kind}-{minutes}", LifecycleEventSource.Sns);

    private static RegistrationVerdict After(params LifecycleEvent[] notifications) =>
        RegistrationGate.Decide(SubscriptionStateMachine.Replay(notifications));

    [Fact]
    public void Registration_BeforeAnyNotification_IsAllowed() =>
        Assert.Equal(RegistrationVerdict.Allowed, RegistrationGate.Decide((SubscriptionState?)null));

    [Fact]
    public void Registration_AfterOnlyAnEntitlementUpdate_IsAllowedBecauseNoStatusIsKnown() =>
        Assert.Equal(RegistrationVerdict.Allowed, After(At(LifecycleEventKind.EntitlementUpdated, 0)));

    [Fact]
    public void Registration_AfterSubscribeSuccess_IsAllowed() =>
        Assert.Equal(RegistrationVerdict.Allowed, After(At(LifecycleEventKind.SubscribeSuccess, 0)));

    [Fact]
    public void Registration_AfterSubscribeFail_IsRefusedAsFailed() =>
        Assert.Equal(RegistrationVerdict.SubscriptionFailed, After(At(LifecycleEventKind.SubscribeFail, 0)));

    [Fact]
    public void Registration_AfterUnsubscribePending_IsRefusedEvenThoughExistingAccessContinues()
    {
        var state = SubscriptionStateMachine.Replay([At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribePending, 60)])!;

        Assert.True(state.GrantsAccess);
        Assert.Equal(RegistrationVerdict.SubscriptionEnding, RegistrationGate.Decide(state));
    }

    [Theory]
    [InlineData(LifecycleEventKind.UnsubscribeSuccess)]
    [InlineData(LifecycleEventKind.AgreementEnded)]
    [InlineData(LifecycleEventKind.LicenseDeprovisioned)]
    public void Registration_AfterTheSubscriptionEnded_IsRefusedAsEnded(LifecycleEventKind ending) =>
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, After(At(LifecycleEventKind.SubscribeSuccess, 0), At(ending, 60)));

    [Fact]
    public void Registration_AfterUnsubscribeThenANewerSubscribeSuccess_IsAllowed() =>
        Assert.Equal(
            RegistrationVerdict.Allowed,
            After(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribePending, 60), At(LifecycleEventKind.UnsubscribeSuccess, 61), At(LifecycleEventKind.SubscribeSuccess, 600)));

    [Fact]
    public void Registration_WhenTheOldSubscribeSuccessIsDeliveredAfterTheUnsubscribe_StaysRefused() =>
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, After(At(LifecycleEventKind.UnsubscribeSuccess, 60), At(LifecycleEventKind.SubscribeSuccess, 0)));

    [Fact]
    public void Registration_WhenSubscribeSuccessAndUnsubscribeShareAnInstant_IsRefused() =>
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, After(At(LifecycleEventKind.SubscribeSuccess, 5), At(LifecycleEventKind.UnsubscribeSuccess, 5)));

    [Fact]
    public void Registration_AfterAFailedSubscriptionIsRetriedSuccessfully_IsAllowed() =>
        Assert.Equal(RegistrationVerdict.Allowed, After(At(LifecycleEventKind.SubscribeFail, 0), At(LifecycleEventKind.SubscribeSuccess, 10)));

    [Fact]
    public void Registration_AfterTheSampleSnsNotifications_IsRefusedInEveryDeliveryOrder()
    {
        var events = SampleEvents.Sns.Select(SampleEvents.Event).ToArray();

        Assert.Equal(RegistrationVerdict.SubscriptionFailed, After(SampleEvents.Event("sqs-sns-subscribe-fail.json")));
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, After(events));
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, After([.. events.Reverse()]));
    }

    [Fact]
    public void Latest_OfStatesUnderTwoKeys_IsTheOneWithTheLaterStatusNotification()
    {
        var byLicense = SubscriptionStateMachine.Replay([At(LifecycleEventKind.UnsubscribeSuccess, 60, new SubscriptionRef(null, "P1", Account, License))]);
        var byIdentifier = SubscriptionStateMachine.Replay([At(LifecycleEventKind.SubscribeSuccess, 0, new SubscriptionRef("C1", "P1", null, null))]);
        var onlyEntitlements = SubscriptionStateMachine.Replay([At(LifecycleEventKind.EntitlementUpdated, 900, new SubscriptionRef("C1", "P1", null, null))]);

        Assert.Same(byLicense, RegistrationGate.Latest([byIdentifier, null, byLicense]));
        Assert.Same(byLicense, RegistrationGate.Latest([byLicense, byIdentifier]));
        Assert.Null(RegistrationGate.Latest([null, onlyEntitlements]));
        Assert.Equal(RegistrationVerdict.SubscriptionEnded, RegistrationGate.Decide([byIdentifier, byLicense]));
    }

    [Fact]
    public void SubscriptionKeys_OfAnIdentity_AreTheKeysTheLifecycleFunctionStoresItsNotificationsUnder()
    {
        var withLicense = SampleEvents.Event("sqs-sns-subscribe-success.json").Subscription;
        var legacy = new SubscriptionRef("QVpZWm5aTVlhWWg", "4ov3gzs0d3vtd8nsijmh3h4bf", null, null);

        Assert.Equal(
            [withLicense.Key],
            RegistrationGate.SubscriptionKeys(CustomerIdentity.FromAccountAndLicense(withLicense.CustomerAwsAccountId!, withLicense.LicenseArn!)));
        Assert.Equal([legacy.Key], RegistrationGate.SubscriptionKeys(CustomerIdentity.FromCustomerIdentifier(legacy.CustomerIdentifier!, legacy.ProductCode!)));
    }

    [Fact]
    public void SubscriptionKeys_OfABuyerResolvedWithBothModels_CoverNotificationsCarryingEitherIdentifier()
    {
        var keys = RegistrationGate.SubscriptionKeys(Customer);

        Assert.Equal([new SubscriptionRef(null, null, null, License).Key, new SubscriptionRef("C1", "P1", null, null).Key], keys);
        Assert.Contains(Customer.Key, keys);
        Assert.Empty(RegistrationGate.SubscriptionKeys(new SubscriptionRef("C1", null, null, null)));
    }
}
