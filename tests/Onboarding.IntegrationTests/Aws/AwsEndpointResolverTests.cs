using Onboarding.Aws.AwsJson;

namespace Onboarding.IntegrationTests.Aws;

public sealed class AwsEndpointResolverTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_WithNothingConfigured_UsesTheRegionalAwsEndpoint()
    {
        Assert.Equal(new Uri("https://acm-pca.eu-west-1.amazonaws.com/"), AwsEndpointResolver.Resolve(AwsJsonService.AcmPca, "eu-west-1", null, Env()));
        Assert.Equal(new Uri("https://secretsmanager.us-east-1.amazonaws.com/"), AwsEndpointResolver.Resolve(AwsJsonService.SecretsManager, "us-east-1", null, Env()));
        Assert.Equal(new Uri("https://metering.marketplace.us-east-1.amazonaws.com/"), AwsEndpointResolver.Resolve(AwsJsonService.MarketplaceMetering, "us-east-1", null, Env()));
        Assert.Equal(new Uri("https://entitlement.marketplace.us-east-1.amazonaws.com/"), AwsEndpointResolver.Resolve(AwsJsonService.MarketplaceEntitlement, "us-east-1", null, Env()));
        Assert.Equal(new Uri("https://acm-pca.cn-north-1.amazonaws.com.cn/"), AwsEndpointResolver.Resolve(AwsJsonService.AcmPca, "cn-north-1", null, Env()));
    }

    [Theory]
    [InlineData("ACM_PCA")]
    [InlineData("SECRETS_MANAGER")]
    [InlineData("MARKETPLACE_METERING")]
    [InlineData("MARKETPLACE_ENTITLEMENT_SERVICE")]
    public void Resolve_ServiceVariableSet_WinsOverTheGlobalVariable(string suffix)
    {
        var service = new[] { AwsJsonService.AcmPca, AwsJsonService.SecretsManager, AwsJsonService.MarketplaceMetering, AwsJsonService.MarketplaceEntitlement }
            .Single(s => s.EnvironmentSuffix == suffix);
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_" + suffix, "http://127.0.0.1:7000"));

        Assert.Equal(new Uri("http://127.0.0.1:7000"), AwsEndpointResolver.Resolve(service, "us-east-1", null, env));
    }

    [Fact]
    public void Resolve_OnlyGlobalVariableSet_UsesItForEveryService()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:7000"));

        Assert.Equal(new Uri("http://127.0.0.1:5000"), AwsEndpointResolver.Resolve(AwsJsonService.AcmPca, "us-east-1", null, env));
    }

    [Fact]
    public void Resolve_IgnoreConfiguredEndpointUrls_FallsBackToAws()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Equal(new Uri("https://acm-pca.us-east-1.amazonaws.com/"), AwsEndpointResolver.Resolve(AwsJsonService.AcmPca, "us-east-1", null, env));
    }

    [Fact]
    public void Resolve_ExplicitServiceUrl_WinsOverEnvironment()
    {
        var env = Env(("AWS_ENDPOINT_URL_ACM_PCA", "http://127.0.0.1:7000"));

        Assert.Equal(new Uri("http://127.0.0.1:9000/"), AwsEndpointResolver.Resolve(AwsJsonService.AcmPca, "us-east-1", new Uri("http://127.0.0.1:9000/"), env));
    }

    [Fact]
    public void Resolve_MalformedVariable_SaysWhichVariableIsWrong()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            AwsEndpointResolver.Resolve(AwsJsonService.SecretsManager, "us-east-1", null, Env(("AWS_ENDPOINT_URL_SECRETS_MANAGER", "localhost:4566"))));

        Assert.Contains("AWS_ENDPOINT_URL_SECRETS_MANAGER", error.Message, StringComparison.Ordinal);
    }
}
