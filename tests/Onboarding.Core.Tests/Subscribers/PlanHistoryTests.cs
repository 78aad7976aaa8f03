using Onboarding.Core.Metering;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Subscribers;

public sealed class PlanHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("cust-1", "prod-1");
    private static readonly Entitlement Pro = new("pro", 1, null);

    private static EntitlementSnapshot Next(EntitlementSnapshot? stored, string[] topics, DateTimeOffset now) =>
        PlanHistory.Next(stored, Customer, [Pro], topics, now);

    private static (string Topics, DateTimeOffset? From, DateTimeOffset Until) Describe(PlanPeriod period) =>
        (string.Join(',', period.Topics), period.From, period.Until);

    [Fact]
    public void FirstSnapshot_StartsItsPlanNowWithNoHistory()
    {
        var first = Next(null, ["quotes", "trades"], T0);

        Assert.Equal(T0, first.PlanSince);
        Assert.Empty(first.PastPlans);
        Assert.Equal(["quotes", "trades"], first.Topics);
        Assert.Equal([Pro], first.Entitlements);
        Assert.Equal(T0, first.CheckedAt);
    }

    [Fact]
    public void SamePlanInAnotherOrder_KeepsItsStartAndHistoryAndRecordsTheNewCheck()
    {
        var first = Next(null, ["quotes", "trades"], T0);
        var changed = Next(first, ["quotes"], T0.AddHours(1));

        var rechecked = Next(changed, ["quotes"], T0.AddHours(2));
        var reordered = Next(Next(null, ["quotes", "trades"], T0), ["trades", "quotes"], T0.AddHours(2));

        Assert.Equal(T0.AddHours(1), rechecked.PlanSince);
        Assert.Equal(changed.PastPlans, rechecked.PastPlans);
        Assert.Equal(T0.AddHours(2), rechecked.CheckedAt);
        Assert.Equal(T0, reordered.PlanSince);
        Assert.Empty(reordered.PastPlans);
    }

    [Fact]
    public void ChangedPlan_ClosesTheOldPlanNowAndStartsTheNewOne()
    {
        var first = Next(null, ["quotes", "trades"], T0);

        var downgraded = Next(first, ["quotes"], T0.AddMinutes(90));
        var emptied = Next(downgraded, [], T0.AddMinutes(150));

        Assert.Equal(T0.AddMinutes(90), downgraded.PlanSince);
        var period = Assert.Single(downgraded.PastPlans);
        Assert.Equal(("quotes,trades", (DateTimeOffset?)T0, T0.AddMinutes(90)), Describe(period));
        Assert.Equal(T0.AddMinutes(150), emptied.PlanSince);
        Assert.Equal(2, emptied.PastPlans.Count);
        Assert.Equal(("quotes", (DateTimeOffset?)T0.AddMinutes(90), T0.AddMinutes(150)), Describe(emptied.PastPlans[1]));
    }

    [Fact]
    public void EmptyPlanReplaced_IsNotKeptBecauseItBillsNothing()
    {
        var emptied = Next(Next(null, ["quotes"], T0), [], T0.AddHours(1));

        var restored = Next(emptied, ["quotes"], T0.AddHours(2));

        Assert.Equal(T0.AddHours(2), restored.PlanSince);
        Assert.Equal([T0.AddHours(1)], restored.PastPlans.Select(p => p.Until));
    }

    [Fact]
    public void ChangeStampedBeforeTheStoredStart_HappensAtThatStartAndKeepsNoEmptyPeriod()
    {
        var first = Next(null, ["quotes"], T0);

        var skewed = Next(first, ["trades"], T0.AddSeconds(-2));

        Assert.Equal(T0, skewed.PlanSince);
        Assert.Empty(skewed.PastPlans);
    }

    [Fact]
    public void PlansEndedLongerAgoThanTheRetention_ArePruned()
    {
        var snapshot = Next(Next(null, ["quotes", "trades"], T0), ["quotes"], T0.AddHours(1));

        var justInside = Next(snapshot, ["quotes"], T0.AddHours(1) + PlanHistory.Retention - TimeSpan.FromSeconds(1));
        var justOutside = Next(snapshot, ["quotes"], T0.AddHours(1) + PlanHistory.Retention);

        Assert.Single(justInside.PastPlans);
        Assert.Empty(justOutside.PastPlans);
        Assert.Equal(T0.AddHours(1), justOutside.PlanSince);
    }

    [Fact]
    public void Retention_CoversEveryHourAMeteringRunStillComputes()
    {
        // The hourly run lists subscriptions from the oldest hour it records (MeteringFunction): the 6-hour window plus
        // the flagged hours before it, and the hour being metered started up to an hour before the run.
        var window = MeteringWindow.Marketplace;
        var oldestComputedHour = window.MaxAge + (MeteringHours.Hour * window.MaxFlaggedHours) + MeteringHours.Hour;

        Assert.True(PlanHistory.Retention >= oldestComputedHour, $"Retention {PlanHistory.Retention} is shorter than {oldestComputedHour}.");
    }

    [Fact]
    public void FlappingEntitlement_KeepsOnlyTheNewestPlans()
    {
        var snapshot = Next(null, ["p0"], T0);
        for (var i = 1; i <= PlanHistory.MaxPastPlans + 10; i++)
        {
            snapshot = Next(snapshot, [$"p{i}"], T0.AddMinutes(i));
        }

        Assert.Equal(PlanHistory.MaxPastPlans, snapshot.PastPlans.Count);
        Assert.Equal(["p10"], snapshot.PastPlans[0].Topics); // p0 to p9 dropped
        Assert.Equal([$"p{PlanHistory.MaxPastPlans + 9}"], snapshot.PastPlans[^1].Topics);
        Assert.Equal([$"p{PlanHistory.MaxPastPlans + 10}"], snapshot.Topics);
    }

    [Fact]
    public void RecordWrittenBeforePlansHadAHistory_ClosesItsPlanAsInForceSinceTheSubscriptionStarted()
    {
        var old = new EntitlementSnapshot(Customer, [Pro], ["quotes", "trades"], T0);

        var unchanged = Next(old, ["trades", "quotes"], T0.AddHours(1));
        var changed = Next(old, ["quotes"], T0.AddHours(1));

        Assert.Null(old.PlanSince);
        Assert.Empty(old.PastPlans);
        Assert.Null(unchanged.PlanSince);
        Assert.Empty(unchanged.PastPlans);
        Assert.Equal(T0.AddHours(1), changed.PlanSince);
        var period = Assert.Single(changed.PastPlans);
        Assert.Equal(("quotes,trades", (DateTimeOffset?)null, T0.AddHours(1)), Describe(period));
    }
}
