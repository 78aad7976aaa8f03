using Amazon.DynamoDBv2;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.DynamoDb;

/// <summary>
/// The one way every function builds its DynamoDB client. Endpoint: <c>AWS_ENDPOINT_URL_DYNAMODB</c>, else
/// <c>AWS_ENDPOINT_URL</c> (both skipped when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>), else the SDK's
/// regional endpoint. An overridden endpoint (moto, DynamoDB Local) says nothing about the signing region, so that
/// comes from <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>, else us-east-1.
/// </summary>
/// <remarks>
/// The settings come through a lookup so the API can pass its <c>IConfiguration</c> (which tests override) and the
/// console functions <see cref="Environment.GetEnvironmentVariable(string)"/>. Credentials stay the SDK's default chain.
/// </remarks>
public static class DynamoDbClientFactory
{
    public const string EndpointVariable = AwsEnvironment.EndpointUrlPrefix + "DYNAMODB";

    public const string RegionVariable = "AWS_REGION";

    public const string DefaultRegionVariable = "AWS_DEFAULT_REGION";

    public const string FallbackSigningRegion = "us-east-1";

    public static AmazonDynamoDBClient Create(Func<string, string?> setting) => Create(EndpointOverride(setting), setting);

    /// <summary>For a caller that already chose (and validated) the endpoint with <see cref="EndpointOverride"/> at start.</summary>
    public static AmazonDynamoDBClient Create(Uri? endpointOverride, Func<string, string?> setting) => new(Config(endpointOverride, setting));

    public static AmazonDynamoDBConfig Config(Uri? endpointOverride, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var config = new AmazonDynamoDBConfig();
        if (endpointOverride is not null)
        {
            config.ServiceURL = endpointOverride.ToString();
            config.AuthenticationRegion = SigningRegion(setting);
        }

        return config;
    }

    /// <summary>The overriding endpoint, or null for the SDK's regional one; a malformed value is an error naming its variable.</summary>
    public static Uri? EndpointOverride(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (string.Equals(Text(setting, AwsEnvironment.IgnoreConfiguredEndpointUrls), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var name in new[] { EndpointVariable, AwsEnvironment.EndpointUrl })
        {
            if (Text(setting, name) is { } configured)
            {
                return Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? uri
                    : throw new InvalidOperationException($"{name} is '{configured}', which is not an absolute http(s) URL.");
            }
        }

        return null;
    }

    public static string SigningRegion(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return Text(setting, RegionVariable) ?? Text(setting, DefaultRegionVariable) ?? FallbackSigningRegion;
    }

    private static string? Text(Func<string, string?> setting, string name) =>
        setting(name) is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}
