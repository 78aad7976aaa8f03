using Onboarding.Core.Enrichment;
using static Onboarding.Core.Tests.Enrichment.EnrichmentTestKit;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class EnrichmentRuleTests
{
    [Theory]
    [InlineData(105.0, 100.0, "Bullish")] // exactly +5 %
    [InlineData(95.0, 100.0, "Bearish")] // exactly -5 %
    [InlineData(104.99, 100.0, "Neutral")] // just inside
    [InlineData(95.01, 100.0, "Neutral")]
    [InlineData(105.01, 100.0, "Bullish")] // just outside
    [InlineData(94.99, 100.0, "Bearish")]
    [InlineData(100.0, 100.0, "Neutral")]
    public void Indicator_AtAndAroundTheDefaultThreshold_FollowsTheRule(double close, double previous, string expected)
    {
        var change = EnrichmentRule.PercentChange(close, previous);

        Assert.Equal(expected, EnrichmentRule.Name(EnrichmentRule.Classify(change, EnrichmentRule.DefaultThresholdPercent)));
    }

    [Fact]
    public void PercentChange_ExactlyFivePercent_IsExactlyFive()
    {
        Assert.Equal(5.0, EnrichmentRule.PercentChange(105, 100));
        Assert.Equal(-5.0, EnrichmentRule.PercentChange(95, 100));
    }

    [Fact]
    public void Indicator_WithoutPreviousClose_IsNeutralAndChangeIsNull()
    {
        Assert.Null(EnrichmentRule.PercentChange(194.64, null));
        Assert.Equal(Indicator.Neutral, EnrichmentRule.Classify(null, 5));
    }

    [Fact]
    public void PercentChange_OfTinyPreviousClose_IsLargeAndFiniteAndBullish()
    {
        var change = EnrichmentRule.PercentChange(1, 0.0001);

        Assert.Equal(999_900, change!.Value, precision: 6);
        Assert.Equal(Indicator.Bullish, EnrichmentRule.Classify(change, 5));
    }

    [Fact]
    public void EnrichedRecord_AgainstTinyPreviousClose_CarriesTheLargeChange()
    {
        var output = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("PNY", new DateOnly(2024, 7, 10), 1e-6)],
            Bar("PNY", 0.5, "2024-07-11 15:00:00")).Output;

        var record = Assert.Single(output);
        Assert.False(record.IsDeadLetter);
        Assert.Equal((0.5 - 1e-6) / 1e-6 * 100, record.Change());
        Assert.Equal("Bullish", record.Indicator());
    }

    [Fact]
    public void EnrichedRecord_WhoseChangeOverflows_GoesToTheDeadLetterTopicAndMovesNothing()
    {
        var (output, changed) = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("SUB", new DateOnly(2024, 7, 10), 1e-320)],
            Bar("SUB", 1e300, "2024-07-11 15:00:00"));

        var record = Assert.Single(output);
        Assert.True(record.IsDeadLetter);
        Assert.Contains("not a finite number", record.DeadLetterReason, StringComparison.Ordinal);
        Assert.Empty(changed);
    }

    [Theory]
    [InlineData(2.5, 102.5, "Bullish")]
    [InlineData(2.5, 102.4, "Neutral")]
    [InlineData(10, 105, "Neutral")]
    [InlineData(10, 89, "Bearish")]
    public void Threshold_ConfiguredPerTopic_IsUsedForThatTopic(double threshold, double close, string expected)
    {
        var options = new EnrichmentOptions { ThresholdPercentByTopic = new Dictionary<string, double> { [Topic] = threshold } };

        var record = Assert.Single(Enrich(options, [ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 100)],
            Bar("AMZN", close, "2024-07-11 15:00:00")).Output);

        Assert.Equal(expected, record.Indicator());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Options_WithThresholdNotAboveZero_AreRejectedWithTheReason(double threshold)
    {
        var errors = new EnrichmentOptions { DefaultThresholdPercent = threshold }.Validate();

        Assert.Contains(errors, e => e.Contains("must be a finite number above 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Thresholds_ParsedFromText_MapTopicsToPercentages()
    {
        var thresholds = EnrichmentOptions.ParseThresholds("bars=5, trades=2.5;quotes=1e1");

        Assert.Equal(new Dictionary<string, double> { ["bars"] = 5, ["trades"] = 2.5, ["quotes"] = 10 }, thresholds);
        Assert.Throws<FormatException>(() => EnrichmentOptions.ParseThresholds("bars:5"));
    }
}
