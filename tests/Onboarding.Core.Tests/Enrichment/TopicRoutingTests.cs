using Onboarding.Core.Enrichment;
using static Onboarding.Core.Tests.Enrichment.EnrichmentTestKit;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class TopicRoutingTests
{
    [Fact]
    public void RawTopic_ByDefault_GoesToItsEnrichedTopic()
    {
        Assert.Equal("bars-1m.enriched", Single(Bar("AMZN", 1, "2024-07-11 14:00:00")).Topic);
    }

    [Fact]
    public void SymbolTemplate_SendsEachSymbolToItsOwnTopic()
    {
        var options = new EnrichmentOptions { EnrichedTopicTemplate = "{symbol}enhanced" };

        var output = Enrich(options, [], Bar("AMZN", 1, "2024-07-11 14:00:00"), Bar("BRK.B", 1, "2024-07-11 14:00:00")).Output;

        Assert.Equal(["AMZNenhanced", "BRK.Benhanced"], output.Select(r => r.Topic));
    }

    [Fact]
    public void SymbolThatCannotFormATopicName_GoesToTheDeadLetterTopic()
    {
        var options = new EnrichmentOptions { EnrichedTopicTemplate = "{symbol}enhanced" };

        var record = Assert.Single(Enrich(options, [], Bar("BRK/B", 1, "2024-07-11 14:00:00")).Output);

        Assert.Equal("bars-1m.dlq", record.Topic);
        Assert.Contains("does not form a valid topic name", record.DeadLetterReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enriched", "must contain {topic} or {symbol}")]
    [InlineData("{symbol}.dlq", "must contain {topic} and not {symbol}")]
    public void Templates_WithoutPlaceholders_AreRejected(string template, string error)
    {
        var options = template.EndsWith(".dlq", StringComparison.Ordinal)
            ? new EnrichmentOptions { DeadLetterTopicTemplate = template }
            : new EnrichmentOptions { EnrichedTopicTemplate = template };

        Assert.Contains(options.Validate(), e => e.Contains(error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bars.enriched", true)]
    [InlineData("AMZN_enhanced-1", true)]
    [InlineData("a b", false)]
    [InlineData("..", false)]
    [InlineData("", false)]
    public void TopicNames_FollowKafkasRules(string name, bool valid)
    {
        Assert.Equal(valid, TopicRouter.IsValidTopicName(name));
    }
}
