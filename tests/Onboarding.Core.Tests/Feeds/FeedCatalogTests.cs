using Onboarding.Core.Feeds;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Feeds;

public sealed class FeedCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly FeedCatalog Catalog = FeedCatalog.Parse("basic=quotes.us; pro=quotes.us,trades.us,bars.1m.us");

    [Fact]
    public void Select_BasicTier_GivesQuotesOnly()
    {
        var selection = Catalog.Select([new Entitlement("basic", 1, null)], Now);

        Assert.Equal(["quotes.us"], selection.Topics);
        Assert.True(selection.GrantsAccess);
    }

    [Fact]
    public void Select_SeveralTiers_GivesTheUnionOnceEach()
    {
        var selection = Catalog.Select([new Entitlement("basic", 1, null), new Entitlement("pro", 3, Now.AddDays(30))], Now);

        Assert.Equal(["bars.1m.us", "quotes.us", "trades.us"], selection.Topics);
    }

    [Fact]
    public void Select_ExpiredOrZeroQuantity_GivesNothing()
    {
        var selection = Catalog.Select([new Entitlement("pro", 1, Now), new Entitlement("basic", 0, null)], Now);

        Assert.Empty(selection.Topics);
        Assert.False(selection.GrantsAccess);
    }

    [Fact]
    public void AllTopics_IsTheUnionOfEveryDimension()
    {
        Assert.Equal(["bars.1m.us", "quotes.us", "trades.us"], Catalog.AllTopics);
    }

    [Fact]
    public void Select_UnknownDimension_IsReportedNotGranted()
    {
        var selection = Catalog.Select([new Entitlement("platinum", 1, null)], Now);

        Assert.Empty(selection.Topics);
        Assert.Equal(["platinum"], selection.UnknownDimensions);
    }

    [Fact]
    public void FromOptions_BindsTheSameMapAsTheEnvironmentForm()
    {
        var fromOptions = FeedCatalog.FromOptions(new FeedCatalogOptions
        {
            Dimensions = new() { ["basic"] = ["quotes.us"], ["pro"] = ["trades.us", "quotes.us", "bars.1m.us", "quotes.us"] },
        });

        Assert.Equal(Catalog.TopicsOf("pro"), fromOptions.TopicsOf("pro"));
        Assert.Equal(Catalog.TopicsOf("basic"), fromOptions.TopicsOf("basic"));
    }

    [Fact]
    public void Parse_JsonFormFromTheTemplate_GivesTheSameCatalogue()
    {
        var json = FeedCatalog.Parse("""{"basic":["quotes.us"],"pro":["quotes.us","trades.us","bars.1m.us"]}""");

        Assert.Equal(Catalog.TopicsOf("pro"), json.TopicsOf("pro"));
        Assert.Equal(Catalog.TopicsOf("basic"), json.TopicsOf("basic"));
    }

    [Theory]
    [InlineData("{\"basic\":\"quotes.us\"}", "array")]
    [InlineData("{\"basic\":[1]}", "invalid Kafka topic")]
    [InlineData("{\"basic\":[\"quotes.us\"]", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("basic", "dimension=topic1")]
    [InlineData("basic=", "no topics")]
    [InlineData("basic=quotes.*", "invalid Kafka topic")]
    [InlineData("basic=*", "invalid Kafka topic")]
    [InlineData("basic=quotes us", "invalid Kafka topic")]
    [InlineData("basic=a;basic=b", "twice")]
    public void Parse_WithBadConfiguration_SaysWhatIsWrong(string specification, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => FeedCatalog.Parse(specification));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
