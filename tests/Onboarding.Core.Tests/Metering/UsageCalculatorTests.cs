using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Metering;

public sealed class UsageCalculatorTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static MeteredSubscription Subscription(string id, string[] feeds, DateTimeOffset from, DateTimeOffset? until = null) =>
        new(new SubscriptionRef(id, "P1", null, null), "P1", PlanTimeline.Constant(feeds), from, until);

    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("C1", "P1");

    /// <summary>A live subscription whose plan is set to each of <paramref name="changes"/> in turn, as the writers do.</summary>
    private static MeteredSubscription Replanned(params (DateTimeOffset At, string[] Topics)[] changes)
    {
        EntitlementSnapshot? snapshot = null;
        foreach (var (at, topics) in changes)
        {
            snapshot = PlanHistory.Next(snapshot, Customer, [], topics, at);
        }

        return new(new SubscriptionRef("C1", "P1", null, null), "P1", PlanTimeline.Of(snapshot!), Hour.AddDays(-30), null);
    }

    private static int Billed(MeteredSubscription subscription, DateTimeOffset hour) =>
        UsageCalculator.ForHour([subscription], hour, new DimensionMap()).Sum(l => l.Quantity);

    [Fact]
    public void DefaultMapping_BillsOneFeedHourPerEntitledFeed()
    {
        var lines = UsageCalculator.ForHour([Subscription("C1", ["quotes", "trades", "bars"], Hour.AddDays(-1))], Hour, new DimensionMap()).ToList();

        var line = Assert.Single(lines);
        Assert.Equal(new UsageKey("C1", "P1", "feed_hours", Hour), line.Key);
        Assert.Equal(3, line.Quantity);
    }

    [Fact]
    public void ProductMapping_SplitsFeedsIntoTheirDimensions()
    {
        var map = new DimensionMap
        {
            Products = { ["P1"] = new ProductDimensions { DefaultDimension = "standard_feed_hours", Feeds = { ["trades"] = "trade_feed_hours" } } },
        };

        var lines = UsageCalculator.ForHour([Subscription("C1", ["quotes", "trades", "bars"], Hour.AddDays(-1))], Hour, map)
            .ToDictionary(l => l.Key.Dimension, l => l.Quantity);

        Assert.Equal(new Dictionary<string, int> { ["standard_feed_hours"] = 2, ["trade_feed_hours"] = 1 }, lines);
    }

    [Theory]
    [InlineData(-60, null, true)] // active all hour
    [InlineData(59, null, true)] // started in the last minute: a started hour counts
    [InlineData(60, null, false)] // starts at the next hour
    [InlineData(-60, 1, true)] // ended one minute into the hour
    [InlineData(-60, 0, false)] // ended exactly at the hour start
    public void ActiveHours_CountAStartedHourAsAWholeOne(int startMinutes, int? endMinutes, bool billed)
    {
        var subscription = Subscription("C1", ["quotes"], Hour.AddMinutes(startMinutes), endMinutes is { } e ? Hour.AddMinutes(e) : null);

        Assert.Equal(billed, UsageCalculator.ForHour([subscription], Hour, new DimensionMap()).Any());
    }

    [Fact]
    public void ForHour_RefusesATimeThatIsNotAnHourStart()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            UsageCalculator.ForHour([], Hour.AddMinutes(5), new DimensionMap()).ToList());
        Assert.Contains("not the start of a UTC hour", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public Property TotalQuantity_IsTheNumberOfDistinctFeedsOfLiveSubscriptions() =>
        Prop.ForAll(
            Gen.ListOf(
                from feeds in Gen.ArrayOf(Gen.Elements("quotes", "trades", "bars", "news"))
                from start in Gen.Choose(-180, 180)
                from length in Gen.Choose(0, 400).Select(l => l == 0 ? (int?)null : l)
                select (feeds, start, length)).ToArbitrary(),
            specs =>
            {
                var subscriptions = specs.Select((s, i) => Subscription(
                    $"C{i}", s.feeds, Hour.AddMinutes(s.start), s.length is { } l ? Hour.AddMinutes(s.start + l) : null)).ToList();
                var map = new DimensionMap { Products = { ["P1"] = new ProductDimensions { Feeds = { ["trades"] = "trade_hours" } } } };

                var lines = UsageCalculator.ForHour(subscriptions, Hour, map).ToList();

                var expected = subscriptions.Where(s => s.IsActiveDuring(Hour)).Sum(s => s.Plans.Current.Distinct().Count());
                return lines.Sum(l => l.Quantity) == expected
                    && lines.All(l => l.Quantity > 0 && l.Key.Hour == Hour)
                    && lines.Select(l => l.Key).Distinct().Count() == lines.Count;
            });

    [Fact]
    public void DowngradeAtHalfPast_BillsThatHourAtTheBiggerPlanAndTheNextAtTheSmaller()
    {
        var subscription = Replanned((Hour.AddDays(-1), ["quotes", "trades", "bars"]), (Hour.AddMinutes(30), ["quotes"]));

        Assert.Equal(3, Billed(subscription, Hour.AddHours(-1)));
        Assert.Equal(3, Billed(subscription, Hour));
        Assert.Equal(1, Billed(subscription, Hour.AddHours(1)));
    }

    [Fact]
    public void PlanEmptiedAtHalfPast_StillBillsThatHourAndNothingAfter()
    {
        var subscription = Replanned((Hour.AddDays(-1), ["quotes", "trades"]), (Hour.AddMinutes(30), []));

        Assert.Equal(2, Billed(subscription, Hour));
        Assert.Equal(0, Billed(subscription, Hour.AddHours(1)));
    }

    [Fact]
    public void UpgradeAtHalfPast_BillsThatHourAtTheBiggerPlanAsAStartedHour()
    {
        var subscription = Replanned((Hour.AddDays(-1), ["quotes"]), (Hour.AddMinutes(30), ["quotes", "trades"]));

        Assert.Equal(1, Billed(subscription, Hour.AddHours(-1)));
        Assert.Equal(2, Billed(subscription, Hour));
        Assert.Equal(2, Billed(subscription, Hour.AddHours(1)));
    }

    [Fact]
    public void PlanChangedOnTheHour_BillsTheHoursEitherSideAtTheirOwnPlan()
    {
        var subscription = Replanned((Hour.AddDays(-1), ["quotes", "trades"]), (Hour, ["bars"]));

        Assert.Equal(["quotes", "trades"], subscription.FeedsDuring(Hour.AddHours(-1)));
        Assert.Equal(["bars"], subscription.FeedsDuring(Hour));
    }

    [Fact]
    public void SubscriptionEndedBeforeAPlanChange_IsNotBilledForTheHoursAfterItEnded()
    {
        var subscription = Replanned((Hour.AddDays(-1), ["quotes"]), (Hour.AddMinutes(30), ["quotes", "trades"])) with { ActiveUntil = Hour };

        Assert.Equal(1, Billed(subscription, Hour.AddHours(-1)));
        Assert.Equal(0, Billed(subscription, Hour));
    }

    [Fact]
    public void NewSubscriptionAfterARevocation_IsNotBilledForThePlanThatEndedWithTheOldOne()
    {
        // Revocation ends the plan (topics = []) three hours before the buyer subscribes again with another plan.
        var subscription = Replanned((Hour.AddDays(-1), ["quotes", "trades"]), (Hour.AddHours(-3), []), (Hour.AddMinutes(20), ["bars"]));

        Assert.Equal(["bars"], subscription.FeedsDuring(Hour));
    }

    [Fact]
    public void RecordWithoutPlanStart_BillsItsPlanForEveryLiveHour()
    {
        var old = new EntitlementSnapshot(Customer, [], ["quotes", "trades"], Hour);
        var subscription = new MeteredSubscription(new SubscriptionRef("C1", "P1", null, null), "P1", PlanTimeline.Of(old), Hour.AddDays(-2), null);

        Assert.Equal(2, Billed(subscription, Hour.AddDays(-2)));
        Assert.Equal(0, Billed(subscription, Hour.AddDays(-2).AddHours(-1)));
    }

    [Fact]
    public void PeriodThatEndsWhereItStarts_IsInForceAtNoMoment()
    {
        var timeline = new PlanTimeline(["quotes"], Hour.AddHours(2), [new PlanPeriod(["trades"], Hour.AddMinutes(30), Hour.AddMinutes(30))]);

        Assert.Empty(timeline.FeedsDuring(Hour));
    }

    [Theory]
    [InlineData(0, true)] // the current plan has feeds
    [InlineData(1, true)] // the emptied plan ended inside the first hour still metered
    [InlineData(2, false)] // it ended before that hour: nothing left to bill
    public void HasFeedsFrom_IsWhetherAPlanWithFeedsReachesTheHoursStillMetered(int emptyPlanIndex, bool expected)
    {
        var emptiedAt = Hour.AddMinutes(30);
        var timeline = emptyPlanIndex == 0
            ? Replanned((Hour.AddDays(-1), ["quotes"])).Plans
            : Replanned((Hour.AddDays(-1), ["quotes"]), (emptiedAt, [])).Plans;
        var since = emptyPlanIndex == 2 ? Hour.AddHours(1) : Hour;

        Assert.Equal(expected, timeline.HasFeedsFrom(since));
    }

    [Property(MaxTest = 300)]
    public Property HourUsage_IsTheDistinctFeedsOfEveryPlanInForceDuringTheHourPerDimension() =>
        Prop.ForAll(
            (from firstStart in Gen.Choose(-300, 120)
             from first in Gen.SubListOf("quotes", "trades", "bars", "news")
             from changes in Gen.ListOf(
                 from gap in Gen.Choose(1, 150)
                 from topics in Gen.SubListOf("quotes", "trades", "bars", "news")
                 select (gap, topics: topics.ToArray()))
             from hourOffset in Gen.Choose(-6, 8)
             select (firstStart, first: first.ToArray(), changes: changes.Take(12).ToArray(), hourOffset)).ToArbitrary(),
            spec =>
            {
                // The plans as given: plan i is in force from its start until the next plan's start.
                var plans = new List<(int Start, string[] Topics)> { (spec.firstStart, spec.first) };
                foreach (var (gap, topics) in spec.changes)
                {
                    plans.Add((plans[^1].Start + gap, topics));
                }

                var subscription = Replanned([.. plans.Select(p => (Hour.AddMinutes(p.Start), p.Topics))]);
                var map = new DimensionMap { Products = { ["P1"] = new ProductDimensions { Feeds = { ["trades"] = "trade_hours" } } } };
                var hour = Hour.AddHours(spec.hourOffset);

                var lines = UsageCalculator.ForHour([subscription], hour, map).ToList();

                // Every change is on a whole minute, so a plan is in force during the hour iff it is at one of its minutes.
                var hourStart = spec.hourOffset * 60;
                var feeds = Enumerable.Range(hourStart, 60)
                    .SelectMany(minute => plans.Where((p, i) => p.Start <= minute && (i + 1 == plans.Count || minute < plans[i + 1].Start)))
                    .SelectMany(p => p.Topics)
                    .Distinct()
                    .ToList();
                var expected = feeds.GroupBy(f => f == "trades" ? "trade_hours" : "feed_hours")
                    .ToDictionary(g => g.Key, g => g.Count());
                return lines.ToDictionary(l => l.Key.Dimension, l => l.Quantity).OrderBy(e => e.Key).SequenceEqual(expected.OrderBy(e => e.Key))
                    && lines.All(l => l.Key.Hour == hour && l.Key.CustomerKey == "C1");
            });
}
