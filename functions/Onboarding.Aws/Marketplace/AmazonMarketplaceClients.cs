using System.Runtime.CompilerServices;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.Marketplace;

/// <summary>The Marketplace Metering calls we make; names and shapes of AWSSDK.AWSMarketplaceMetering's <c>IAmazonAWSMarketplaceMetering</c>.</summary>
public interface IAmazonAWSMarketplaceMetering
{
    /// <summary>Throws <see cref="InvalidTokenException"/> or <see cref="ExpiredTokenException"/> for a bad token.</summary>
    Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default);

    Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The Marketplace Entitlement call we make; names and shapes of AWSSDK.MarketplaceEntitlementService.</summary>
public interface IAmazonMarketplaceEntitlementService
{
    Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default);
}

public sealed class AmazonAWSMarketplaceMeteringClient(AwsJsonClientOptions options, HttpClient? httpClient = null) : IAmazonAWSMarketplaceMetering
{
    private readonly AwsJsonClient client = new(AwsJsonService.MarketplaceMetering, options, httpClient);

    public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The token is a bearer credential: error messages say "registration token", never the token itself.
        return client.InvokeAsync(
            "ResolveCustomer", request, MarketplaceJsonContext.Default.ResolveCustomerRequest, MarketplaceJsonContext.Default.ResolveCustomerResponse,
            "registration token", cancellationToken);
    }

    public Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "BatchMeterUsage", request, MarketplaceJsonContext.Default.BatchMeterUsageRequest, MarketplaceJsonContext.Default.BatchMeterUsageResponse,
            $"product {request.ProductCode} ({request.UsageRecords?.Count ?? 0} records)", cancellationToken);
    }
}

public sealed class AmazonMarketplaceEntitlementServiceClient(AwsJsonClientOptions options, HttpClient? httpClient = null) : IAmazonMarketplaceEntitlementService
{
    private readonly AwsJsonClient client = new(AwsJsonService.MarketplaceEntitlement, options, httpClient);

    public Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "GetEntitlements", request, MarketplaceJsonContext.Default.GetEntitlementsRequest, MarketplaceJsonContext.Default.GetEntitlementsResponse,
            $"product {request.ProductCode}", cancellationToken);
    }
}

public static class EntitlementPagination
{
    /// <summary>Every entitlement matching <paramref name="request"/>, following NextToken page by page.</summary>
    public static async IAsyncEnumerable<Entitlement> GetAllEntitlementsAsync(
        this IAmazonMarketplaceEntitlementService client,
        GetEntitlementsRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = request;
        while (true)
        {
            var response = await client.GetEntitlementsAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var entitlement in response.Entitlements ?? [])
            {
                yield return entitlement;
            }

            if (string.IsNullOrEmpty(response.NextToken))
            {
                yield break;
            }

            // A service handing back a token twice would loop for ever; stop with a clear error instead.
            if (!seen.Add(response.NextToken))
            {
                throw new InvalidOperationException($"Marketplace Entitlement Service GetEntitlements for product {request.ProductCode} returned the same NextToken twice.");
            }

            page = page with { NextToken = response.NextToken };
        }
    }
}
