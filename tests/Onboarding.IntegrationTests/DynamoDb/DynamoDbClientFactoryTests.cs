using Onboarding.Aws.DynamoDb;
using Onboarding.Enrichment;

namespace Onboarding.IntegrationTests.DynamoDb;

/// <summary>The endpoint and signing-region rule, checked on the built configuration: no network.</summary>
public sealed class DynamoDbClientFactoryTests
{
    private const string Dynamo = "http://127.0.0.1:7000/";
    private const string Global = "http://127.0.0.1:5000/";

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(Dynamo, Global, Dynamo)]
    [InlineData(Dynamo, null, Dynamo)]
    [InlineData(null, Global, Global)]
    [InlineData("", Global, Global)]
    [InlineData("  ", Global, Global)]
    [InlineData(null, null, null)]
    public void EndpointOverride_PrefersTheDynamoDbVariableThenTheGlobalOne(string? dynamo, string? global, string? expected)
    {
        Func<string, string?> env = name => name switch
        {
            "AWS_ENDPOINT_URL_DYNAMODB" => dynamo,
            "AWS_ENDPOINT_URL" => global,
            _ => null,
        };

        Assert.Equal(expected is null ? null : new Uri(expected), DynamoDbClientFactory.EndpointOverride(env));
    }

    [Fact]
    public void EndpointOverride_WhenConfiguredEndpointsAreIgnored_LeavesTheSdkDefault()
    {
        var env = Env(("AWS_ENDPOINT_URL_DYNAMODB", Dynamo), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"));

        Assert.Null(DynamoDbClientFactory.EndpointOverride(env));
        Assert.Null(DynamoDbClientFactory.Config(DynamoDbClientFactory.EndpointOverride(env), env).ServiceURL);
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000")]
    [InlineData("AWS_ENDPOINT_URL", "ftp://127.0.0.1/")]
    [InlineData("AWS_ENDPOINT_URL", "not a url")]
    public void EndpointOverride_Malformed_SaysWhichVariableIsWrong(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DynamoDbClientFactory.Create(Env((name, value))));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-1", "ap-south-1", "eu-west-1")]
    [InlineData(null, "ap-south-1", "ap-south-1")]
    [InlineData("", "ap-south-1", "ap-south-1")]
    [InlineData(null, null, "us-east-1")]
    public void Create_WithAnOverriddenEndpoint_SignsForAwsRegionThenAwsDefaultRegionThenUsEast1(string? region, string? defaultRegion, string expected)
    {
        Func<string, string?> env = name => name switch
        {
            "AWS_ENDPOINT_URL_DYNAMODB" => Dynamo,
            "AWS_REGION" => region,
            "AWS_DEFAULT_REGION" => defaultRegion,
            _ => null,
        };

        using var client = DynamoDbClientFactory.Create(env);

        Assert.Equal(Dynamo, client.Config.ServiceURL);
        Assert.Equal(expected, client.Config.AuthenticationRegion);
    }

    [Fact]
    public void Create_WithoutAnOverride_LeavesEndpointAndSigningRegionToTheSdk()
    {
        var config = DynamoDbClientFactory.Config(null, Env(("AWS_REGION", "eu-west-1")));

        Assert.Null(config.ServiceURL);
        Assert.Null(config.AuthenticationRegion);
    }

    [Fact]
    public void EnrichmentSettings_ReadTheEndpointByTheSameRule()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnrichmentEnvironment.BootstrapServers] = "127.0.0.1:9092",
            [EnrichmentEnvironment.ReferenceTable] = "reference-prices",
            ["AWS_ENDPOINT_URL"] = Global,
        };

        var settings = EnrichmentSettings.FromEnvironment(n => environment.GetValueOrDefault(n));

        Assert.Equal(DynamoDbClientFactory.EndpointOverride(n => environment.GetValueOrDefault(n)), settings.DynamoDbEndpoint);
        Assert.Equal(new Uri(Global), settings.DynamoDbEndpoint);
    }

    [Fact]
    public void EnrichmentSettings_WithAMalformedEndpoint_NameTheVariable()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnrichmentEnvironment.BootstrapServers] = "127.0.0.1:9092",
            [EnrichmentEnvironment.ReferenceTable] = "reference-prices",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = "localhost:8000",
        };

        var error = Assert.Throws<InvalidOperationException>(() => EnrichmentSettings.FromEnvironment(n => environment.GetValueOrDefault(n)));

        Assert.Contains("AWS_ENDPOINT_URL_DYNAMODB is 'localhost:8000'", error.Message, StringComparison.Ordinal);
    }
}
