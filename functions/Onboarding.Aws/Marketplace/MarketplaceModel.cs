using System.Text.Json.Serialization;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.Marketplace;

// Shapes follow the Marketplace Metering and Entitlement API references and the names of
// AWSSDK.AWSMarketplaceMetering / AWSSDK.MarketplaceEntitlementService.

public sealed record ResolveCustomerRequest
{
    /// <summary>The <c>x-amzn-marketplace-token</c> Marketplace posted to the landing page.</summary>
    public string? RegistrationToken { get; init; }
}

public sealed record ResolveCustomerResponse
{
    public string? CustomerIdentifier { get; init; }

    public string? ProductCode { get; init; }

    public string? CustomerAWSAccountId { get; init; }

    public string? LicenseArn { get; init; }
}

public sealed record BatchMeterUsageRequest
{
    /// <summary>At most 25 records per call.</summary>
    public List<UsageRecord>? UsageRecords { get; init; }

    public string? ProductCode { get; init; }
}

/// <summary>Identify the customer by <see cref="CustomerIdentifier"/> or by <see cref="CustomerAWSAccountId"/> (with <see cref="LicenseArn"/>), not both.</summary>
public sealed record UsageRecord
{
    /// <summary>UTC hour the usage belongs to; epoch seconds on the wire; at most 6 hours old.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? Timestamp { get; init; }

    public string? CustomerIdentifier { get; init; }

    public string? Dimension { get; init; }

    public int? Quantity { get; init; }

    public List<UsageAllocation>? UsageAllocations { get; init; }

    public string? CustomerAWSAccountId { get; init; }

    public string? LicenseArn { get; init; }
}

public sealed record UsageAllocation
{
    public int? AllocatedUsageQuantity { get; init; }

    public List<Tag>? Tags { get; init; }
}

public sealed record Tag
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}

public sealed record BatchMeterUsageResponse
{
    public List<UsageRecordResult>? Results { get; init; }

    /// <summary>Records Marketplace did not process this time; send them again.</summary>
    public List<UsageRecord>? UnprocessedRecords { get; init; }
}

public sealed record UsageRecordResult
{
    public UsageRecord? UsageRecord { get; init; }

    public string? MeteringRecordId { get; init; }

    /// <summary>One of <see cref="UsageRecordResultStatus"/>.</summary>
    public string? Status { get; init; }
}

public static class UsageRecordResultStatus
{
    public const string Success = "Success";
    public const string CustomerNotSubscribed = "CustomerNotSubscribed";
    public const string DuplicateRecord = "DuplicateRecord";
}

public sealed record GetEntitlementsRequest
{
    public string? ProductCode { get; init; }

    /// <summary>Keys from <see cref="GetEntitlementFilterName"/>; values are OR-ed within a key, keys AND-ed.</summary>
    public Dictionary<string, List<string>>? Filter { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public static class GetEntitlementFilterName
{
    public const string CUSTOMER_IDENTIFIER = "CUSTOMER_IDENTIFIER";
    public const string DIMENSION = "DIMENSION";
    public const string CUSTOMER_AWS_ACCOUNT_ID = "CUSTOMER_AWS_ACCOUNT_ID";
    public const string LICENSE_ARN = "LICENSE_ARN";
}

public sealed record GetEntitlementsResponse
{
    public List<Entitlement>? Entitlements { get; init; }

    public string? NextToken { get; init; }
}

public sealed record Entitlement
{
    public string? ProductCode { get; init; }

    public string? Dimension { get; init; }

    public string? CustomerIdentifier { get; init; }

    public string? CustomerAWSAccountId { get; init; }

    public string? LicenseArn { get; init; }

    public EntitlementValue? Value { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? ExpirationDate { get; init; }
}

/// <summary>Exactly one member is set.</summary>
public sealed record EntitlementValue
{
    public int? IntegerValue { get; init; }

    public double? DoubleValue { get; init; }

    public bool? BooleanValue { get; init; }

    public string? StringValue { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResolveCustomerRequest))]
[JsonSerializable(typeof(ResolveCustomerResponse))]
[JsonSerializable(typeof(BatchMeterUsageRequest))]
[JsonSerializable(typeof(BatchMeterUsageResponse))]
[JsonSerializable(typeof(GetEntitlementsRequest))]
[JsonSerializable(typeof(GetEntitlementsResponse))]
internal sealed partial class MarketplaceJsonContext : JsonSerializerContext;
