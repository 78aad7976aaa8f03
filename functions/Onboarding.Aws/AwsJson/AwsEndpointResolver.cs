using Amazon;

namespace Onboarding.Aws.AwsJson;

/// <summary>Picks the endpoint of one service the way the AWS SDKs do.</summary>
public static class AwsEndpointResolver
{
    /// <summary>
    /// Order: an explicit service URL, then <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>
    /// (both skipped when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>), then the regional AWS endpoint.
    /// </summary>
    public static Uri Resolve(AwsJsonService service, string region, Uri? serviceUrl, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(environment);
        if (serviceUrl is not null)
        {
            return serviceUrl;
        }

        if (!string.Equals(environment(AwsEnvironment.IgnoreConfiguredEndpointUrls), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var name in new[] { AwsEnvironment.EndpointUrlPrefix + service.EnvironmentSuffix, AwsEnvironment.EndpointUrl })
            {
                if (environment(name) is { Length: > 0 } configured)
                {
                    return Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? uri
                        : throw new InvalidOperationException($"{name} is '{configured}', which is not an absolute http(s) URL.");
                }
            }
        }

        var dnsSuffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix is { Length: > 0 } suffix ? suffix : "amazonaws.com";
        return new Uri($"https://{service.EndpointPrefix}.{region}.{dnsSuffix}/");
    }
}
