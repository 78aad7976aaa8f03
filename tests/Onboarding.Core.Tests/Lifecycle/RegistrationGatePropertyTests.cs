using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class RegistrationGatePropertyTests
{
    private static readonly SubscriptionRef ByLicense = new(null, "P1", "444455556666", "arn:aws:license-manager::1:license:l-1");
    private static readonly SubscriptionRef ByIdentifier = new("C1", "P1", null, null);
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    // Few distinct minutes, so that ties between events of the same instant are common.
    private static readonly Gen<LifecycleEvent> Notification =
        from kind in Gen.Elements(Enum.GetValues<LifecycleEventKind>())
        from minute in Gen.Choose(0, 5)
        from id in Gen.Choose(0, 1000)
        select new LifecycleEvent(kind, ByLicense, T0.AddMinutes(minute), $"m-{id}", LifecycleEventSource.Sns);

    /// <summary>A set of notifications (possibly none), and a delivery of it: any order, each delivered one to three times.</summary>
    private static readonly Gen<(LifecycleEvent[] Sent, LifecycleEvent[] Delivered)> Deliveries =
        from sent in Gen.ListOf(Notification).Select(l => l.DistinctBy(e => e.EventId).ToArray())
        from copies in Gen.ArrayOf(Gen.Choose(1, 3), sent.Length)
        from delivered in Gen.Shuffle(sent.SelectMany((e, i) => Enumerable.Repeat(e, copies[i])).ToArray())
        select (sent, delivered);

    [Property]
    public Property Verdict_IsTheSameForAnyOrderAndDuplicationOfTheNotifications() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
            RegistrationGate.Decide(SubscriptionStateMachine.Replay(d.Sent)) == RegistrationGate.Decide(SubscriptionStateMachine.Replay(d.Delivered)));

    /// <summary>
    /// The rule stated from the notifications alone: registration is allowed iff no status notification arrived, or
    /// the latest ones are all subscribe-success (at a tie the more final status wins, so a cancelled buyer never gets in).
    /// </summary>
    [Property]
    public Property Registration_IsAllowedIffNoStatusIsKnownOrTheLatestStatusNotificationIsSubscribeSuccess() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
        {
            var statuses = d.Sent.Where(e => SubscriptionStateMachine.TargetStatus(e.Kind) is not null).ToArray();
            var expected = statuses.Length == 0
                || statuses.Where(e => e.OccurredAt == statuses.Max(s => s.OccurredAt)).All(e => e.Kind == LifecycleEventKind.SubscribeSuccess);
            var verdict = RegistrationGate.Decide(SubscriptionStateMachine.Replay(d.Delivered));
            return (verdict == RegistrationVerdict.Allowed) == expected;
        });

    /// <summary>A refusal names the latest status: the most final of the latest notifications.</summary>
    [Property]
    public Property Refusal_NamesTheMostFinalOfTheLatestStatusNotifications() =>
        Prop.ForAll(Deliveries.ToArbitrary(), d =>
        {
            var statuses = d.Sent.Where(e => SubscriptionStateMachine.TargetStatus(e.Kind) is not null).ToArray();
            var latest = statuses.Length == 0 ? [] : statuses.Where(e => e.OccurredAt == statuses.Max(s => s.OccurredAt)).Select(e => e.Kind).ToHashSet();
            var expected =
                latest.Overlaps([LifecycleEventKind.UnsubscribeSuccess, LifecycleEventKind.AgreementEnded, LifecycleEventKind.LicenseDeprovisioned]) ? RegistrationVerdict.SubscriptionEnded
                : latest.Contains(LifecycleEventKind.UnsubscribePending) ? RegistrationVerdict.SubscriptionEnding
                : latest.Contains(LifecycleEventKind.SubscribeFail) ? RegistrationVerdict.SubscriptionFailed
                : RegistrationVerdict.Allowed;
            return RegistrationGate.Decide(SubscriptionStateMachine.Replay(d.Delivered)) == expected;
        });

    /// <summary>
    /// Notifications about one subscription may carry the license ARN or only the customer identifier and so be stored
    /// under two keys; reading both gives the verdict of all notifications merged.
    /// </summary>
    [Property]
    public Property Verdict_OverNotificationsSplitBetweenTwoKeys_EqualsTheVerdictOverAllOfThem() =>
        Prop.ForAll(Deliveries.ToArbitrary(), Gen.ArrayOf(Gen.Elements(true, false), 40).ToArbitrary(), (d, toIdentifier) =>
        {
            var split = d.Delivered.Select((e, i) => toIdentifier[i % toIdentifier.Length] ? e with { Subscription = ByIdentifier } : e).ToArray();
            var underLicense = SubscriptionStateMachine.Replay(split.Where(e => e.Subscription == ByLicense));
            var underIdentifier = SubscriptionStateMachine.Replay(split.Where(e => e.Subscription == ByIdentifier));
            return RegistrationGate.Decide([underLicense, underIdentifier]) == RegistrationGate.Decide(SubscriptionStateMachine.Replay(d.Sent));
        });
}
