using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;

namespace Onboarding.Core.Tests.Metering;

public sealed class UsageCalculatorTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static MeteredSubscription Subscription(string id, string[] feeds, DateTimeOffset from, DateTimeOffset? until = null) =>
        new(new SubscriptionRef(id, "P1", null, null), "P1", feeds, from, until);

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

                var expected = subscriptions.Where(s => s.IsActiveDuring(Hour)).Sum(s => s.Feeds.Distinct().Count());
                return lines.Sum(l => l.Quantity) == expected
                    && lines.All(l => l.Quantity > 0 && l.Key.Hour == Hour)
                    && lines.Select(l => l.Key).Distinct().Count() == lines.Count;
            });
}
