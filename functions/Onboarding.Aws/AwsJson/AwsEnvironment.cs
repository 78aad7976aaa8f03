namespace Onboarding.Aws.AwsJson;

/// <summary>The environment variables the AWS SDKs share, by name.</summary>
public static class AwsEnvironment
{
    /// <summary>Endpoint for every service (SDK-wide convention).</summary>
    public const string EndpointUrl = "AWS_ENDPOINT_URL";

    /// <summary>Prefix of the per-service endpoint variable, e.g. <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>; wins over <see cref="EndpointUrl"/>.</summary>
    public const string EndpointUrlPrefix = "AWS_ENDPOINT_URL_";

    /// <summary>When "true", both endpoint variables are ignored.</summary>
    public const string IgnoreConfiguredEndpointUrls = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    /// <summary>Attempts per call including the first (SDK convention); default 3.</summary>
    public const string MaxAttempts = "AWS_MAX_ATTEMPTS";
}
