using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class SubscriptionStateMachineTests
{
    private static readonly SubscriptionRef Customer = new("C1", "P1", null, null);
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static LifecycleEvent At(LifecycleEventKind kind, int minutes, string? id = null) =>
        new(kind, Customer, T0.AddMinutes(minutes), id ?? $"{kind}-{minutes}", LifecycleEventSource.Sns);

    private static (SubscriptionState State, List<LifecycleDecision> Decisions) Run(params LifecycleEvent[] events)
    {
        SubscriptionState? state = null;
        var decisions = new List<LifecycleDecision>();
        foreach (var e in events)
        {
            var transition = SubscriptionStateMachine.Apply(state, e);
            state = transition.State;
            decisions.Add(transition.Decision);
        }

        return (state!, decisions);
    }

    [Fact]
    public void SubscribeSuccess_OnNewSubscription_Activates()
    {
        var (state, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0));

        Assert.IsType<LifecycleDecision.Activate>(Assert.Single(decisions));
        Assert.Equal(SubscriptionStatus.Active, state.Status);
        Assert.True(state.GrantsAccess);
    }

    [Fact]
    public void DuplicateNotification_IsANoOp()
    {
        var success = At(LifecycleEventKind.SubscribeSuccess, 0);

        var (state, decisions) = Run(success, success);

        var ignore = Assert.IsType<LifecycleDecision.Ignore>(decisions[1]);
        Assert.Contains("Duplicate", ignore.Reason, StringComparison.Ordinal);
        Assert.Equal(Run(success).State, state);
    }

    [Fact]
    public void UnsubscribePending_WhileActive_SendsFinalUsageAndKeepsAccess()
    {
        var (state, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribePending, 60));

        Assert.IsType<LifecycleDecision.SendFinalUsage>(decisions[1]);
        Assert.True(state.GrantsAccess);
    }

    [Fact]
    public void UnsubscribeSuccess_AfterPending_RevokesWithoutAnotherFinalUsage()
    {
        var (state, decisions) = Run(
            At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribePending, 60), At(LifecycleEventKind.UnsubscribeSuccess, 120));

        Assert.Equal(new LifecycleDecision.Revoke(false, SubscriptionStatus.Ended), decisions[2]);
        Assert.Equal(SubscriptionStatus.Ended, state.Status);
        Assert.False(state.GrantsAccess);
    }

    [Fact]
    public void UnsubscribeSuccess_WithoutPendingSeen_SendsFinalUsageBeforeRevoking()
    {
        var (_, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribeSuccess, 120));

        Assert.Equal(new LifecycleDecision.Revoke(true, SubscriptionStatus.Ended), decisions[1]);
    }

    [Fact]
    public void UnsubscribeSuccess_OlderThanALaterSubscribeSuccess_DoesNotRevoke()
    {
        // Re-subscribed at +120; the unsubscribe of +60 is delivered late.
        var (state, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 120), At(LifecycleEventKind.UnsubscribeSuccess, 60));

        var ignore = Assert.IsType<LifecycleDecision.Ignore>(decisions[1]);
        Assert.Contains("Superseded", ignore.Reason, StringComparison.Ordinal);
        Assert.Equal(SubscriptionStatus.Active, state.Status);
    }

    [Fact]
    public void Resubscribe_AfterEnd_ActivatesAgain()
    {
        var (state, decisions) = Run(
            At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.UnsubscribeSuccess, 60), At(LifecycleEventKind.SubscribeSuccess, 600));

        Assert.IsType<LifecycleDecision.Activate>(decisions[2]);
        Assert.True(state.GrantsAccess);
    }

    [Fact]
    public void SubscribeFail_BeforeAnyAccess_MarksFailedWithoutRevoking()
    {
        var (state, decisions) = Run(At(LifecycleEventKind.SubscribeFail, 0));

        Assert.IsType<LifecycleDecision.MarkFailed>(Assert.Single(decisions));
        Assert.Equal(SubscriptionStatus.Failed, state.Status);
    }

    [Fact]
    public void SubscribeFail_AfterAccessWasGranted_Revokes()
    {
        var (_, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.SubscribeFail, 5));

        Assert.Equal(new LifecycleDecision.Revoke(false, SubscriptionStatus.Failed), decisions[1]);
    }

    [Fact]
    public void EntitlementUpdate_WhileActive_Replans()
    {
        var (_, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.EntitlementUpdated, 30));

        Assert.IsType<LifecycleDecision.ReplanEntitlements>(decisions[1]);
    }

    [Fact]
    public void EntitlementUpdate_BeforeActivation_IsIgnoredAndActivationPlansFromCurrentEntitlements()
    {
        var (state, decisions) = Run(At(LifecycleEventKind.EntitlementUpdated, 30), At(LifecycleEventKind.SubscribeSuccess, 0));

        Assert.IsType<LifecycleDecision.Ignore>(decisions[0]);
        Assert.IsType<LifecycleDecision.Activate>(decisions[1]);
        Assert.Equal(Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.EntitlementUpdated, 30)).State, state);
    }

    [Fact]
    public void StatusEventsAtTheSameInstant_TheMoreFinalWins()
    {
        var (state, _) = Run(At(LifecycleEventKind.UnsubscribeSuccess, 0), At(LifecycleEventKind.SubscribeSuccess, 0));

        Assert.Equal(SubscriptionStatus.Ended, state.Status);
    }

    [Fact]
    public void AgreementEnded_SendsFinalUsageBeforeRevoking()
    {
        var (_, decisions) = Run(At(LifecycleEventKind.SubscribeSuccess, 0), At(LifecycleEventKind.AgreementEnded, 60));

        Assert.Equal(new LifecycleDecision.Revoke(true, SubscriptionStatus.Ended), decisions[1]);
    }

    [Fact]
    public void NotificationAboutAnotherSubscription_IsRejected()
    {
        var state = Run(At(LifecycleEventKind.SubscribeSuccess, 0)).State;
        var other = new LifecycleEvent(LifecycleEventKind.SubscribeSuccess, new SubscriptionRef("C2", "P1", null, null), T0, "x", LifecycleEventSource.Sns);

        var error = Assert.Throws<ArgumentException>(() => SubscriptionStateMachine.Apply(state, other));
        Assert.Contains("customer:P1:C2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleSnsSequence_InEveryOrderAndDelivered_Twice_EndsRevoked()
    {
        var events = SampleEvents.Sns.Select(SampleEvents.Event).ToArray();
        var expected = SubscriptionStateMachine.Replay(events)!;

        foreach (var order in Permutations(events))
        {
            var state = SubscriptionStateMachine.Replay(order.Concat(order.Reverse()))!;
            Assert.Equal(expected, state);
        }

        Assert.Equal(SubscriptionStatus.Ended, expected.Status);
        Assert.False(expected.GrantsAccess);
    }

    [Fact]
    public void SampleEventBridgeSequence_InEveryOrder_EndsRevokedWithTheSameState()
    {
        var events = SampleEvents.EventBridge.Select(SampleEvents.Event).ToArray();
        var expected = SubscriptionStateMachine.Replay(events)!;

        foreach (var order in Permutations(events))
        {
            Assert.Equal(expected, SubscriptionStateMachine.Replay(order));
        }

        Assert.Equal(SubscriptionStatus.Ended, expected.Status);
    }

    [Fact]
    public void SampleSequence_InOrder_GivesTheExpectedDecisions()
    {
        var decisions = new List<LifecycleDecision>();
        SubscriptionState? state = null;
        foreach (var file in SampleEvents.Sns)
        {
            var transition = SubscriptionStateMachine.Apply(state, SampleEvents.Event(file));
            state = transition.State;
            decisions.Add(transition.Decision);
        }

        Assert.Collection(
            decisions,
            d => Assert.IsType<LifecycleDecision.MarkFailed>(d),
            d => Assert.IsType<LifecycleDecision.Activate>(d),
            d => Assert.IsType<LifecycleDecision.ReplanEntitlements>(d),
            d => Assert.IsType<LifecycleDecision.SendFinalUsage>(d),
            d => Assert.Equal(new LifecycleDecision.Revoke(false, SubscriptionStatus.Ended), d));
    }

    private static IEnumerable<LifecycleEvent[]> Permutations(LifecycleEvent[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
