using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Onboarding.Api.Onboarding;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>The onboarding settings as the API binds them from its environment; nothing is called.</summary>
public sealed class OnboardingSettingsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["SUBSCRIBERS_TABLE"] = "subscribers",
        ["ONBOARDING_TABLE"] = "onboarding",
        ["CERTIFICATE_AUTHORITY_ARN"] = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/00000000-0000-0000-0000-000000000000",
        ["SECRET_PREFIX"] = "marketplace-feed/subscribers/",
        ["CERTIFICATE_ORGANIZATION"] = "Example Market Data, Inc.",
        ["KAFKA_BOOTSTRAP_SERVERS_PUBLIC"] = "b-1.feed.example.com:9194",
        ["PRODUCT_CODE"] = "prod-feed",
        ["FEED_TOPICS_BY_DIMENSION"] = """{"feed_hours":["quotes.us"]}""",
    };

    private static OnboardingOptions Bind(params (string Name, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Valid.Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Name, s.Value))));
        builder.AddOnboarding();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<OnboardingOptions>>().Value;
    }

    [Fact]
    public void SessionLifetime_WhenNotSet_IsTwoHours()
    {
        Assert.Equal(TimeSpan.FromHours(2), Bind().SessionLifetime);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("45", 45)]
    [InlineData("1440", 1440)]
    public void SessionLifetime_IsReadInMinutes(string minutes, int expected)
    {
        Assert.Equal(TimeSpan.FromMinutes(expected), Bind(("SESSION_LIFETIME_MINUTES", minutes)).SessionLifetime);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("1441")]
    [InlineData("0")]
    [InlineData("ninety")]
    [InlineData("-30")]
    [InlineData("1.5")]
    public void SessionLifetime_OutOfRangeOrNotWholeMinutes_StopsTheAppNamingTheVariable(string minutes)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(("SESSION_LIFETIME_MINUTES", minutes)));

        Assert.Contains("SESSION_LIFETIME_MINUTES", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductName_IsShownWhenSetAndGenericOtherwise()
    {
        Assert.Equal("Acme Level 1", Bind(("PRODUCT_NAME", "Acme Level 1")).ProductName);
        Assert.Equal("market-data feed", Bind().ProductName);
    }
}
