using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class SubscriptionStatePropertyTests
{
    private static readonly SubscriptionRef Customer = new("C1", "P1", "444455556666", "arn:aws:license-manager::1:license:l-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    // Few distinct minutes, so that ties between events of the same instant are common.
    private static readonly Gen<LifecycleEvent> Notification =
        from kind in Gen.Elements(Enum.GetValues<LifecycleEventKind>())
        from minute in Gen.Choose(0, 5)
        from id in Gen.Choose(0, 1000)
        select new LifecycleEvent(kind, Customer, T0.AddMinutes(minute), $"m-{id}", LifecycleEventSource.Sns);

    /// <summary>A set of notifications, and a delivery of it: any order, each delivered one to three times.</summary>
    private static readonly Gen<(LifecycleEvent[] Sent, LifecycleEvent[] Delivered)> Deliveries =
        from sent in Gen.NonEmptyListOf(Notification).Select(l => l.DistinctBy(e => e.EventId).ToArray())
        from copies in Gen.ArrayOf(Gen.Choose(1, 3), sent.Length)
        from delivered in Gen.Shuffle(sent.SelectMany((e, i) => Enumerable.Repeat(e, copies[i])).ToArray())
        select (sent, delivered);

    [Property]
    public Property AnyOrderAndDuplication_OfTheSameNotifications_GivesTheSameFinalState() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
            SubscriptionStateMachine.Replay(d.Sent)! == SubscriptionStateMachine.Replay(d.Delivered)!);

    [Property]
    public Property LastAccessDecision_AgreesWithTheFinalState() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
        {
            SubscriptionState? state = null;
            bool? lastAccess = null;
            foreach (var e in d.Delivered)
            {
                var transition = SubscriptionStateMachine.Apply(state, e);
                state = transition.State;
                lastAccess = transition.Decision switch
                {
                    LifecycleDecision.Activate => true,
                    LifecycleDecision.Revoke or LifecycleDecision.MarkFailed => false,
                    _ => lastAccess,
                };
            }

            // Access is what the last access decision left, and no access before any decision.
            return (lastAccess ?? false) == state!.GrantsAccess;
        });

    [Property]
    public Property ReplayingEverythingAgain_ChangesNothingAndDecidesNothing() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
        {
            var state = SubscriptionStateMachine.Replay(d.Delivered);
            return d.Delivered.All(e =>
            {
                var transition = SubscriptionStateMachine.Apply(state, e);
                return transition.State == state && transition.Decision is LifecycleDecision.Ignore;
            });
        });
}
