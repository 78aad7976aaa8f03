namespace Onboarding.Aws.Metering;

// The port for Marketplace BatchMeterUsage, shaped like the official IAmazonMarketplaceMetering and its model
// classes so that the Marketplace client of Onboarding.Aws.Marketplace (or AWSSDK.MarketplaceMetering later)
// can replace it by a rename. Throttling arrives as an AmazonServiceException with ErrorCode ThrottlingException.

/// <summary>The one Marketplace Metering operation the metering job calls.</summary>
public interface IMarketplaceMeteringClient
{
    Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default);
}

public sealed class BatchMeterUsageRequest
{
    public string ProductCode { get; set; } = "";

    public List<UsageRecord> UsageRecords { get; set; } = [];
}

public sealed class UsageRecord
{
    /// <summary>The start of the metered UTC hour, never the time of sending.</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>Legacy model.</summary>
    public string? CustomerIdentifier { get; set; }

    /// <summary>CustomerAWSAccountId + LicenseArn model.</summary>
    public string? CustomerAWSAccountId { get; set; }

    public string? LicenseArn { get; set; }

    public string Dimension { get; set; } = "";

    public int? Quantity { get; set; }
}

public sealed class UsageRecordResult
{
    public UsageRecord? UsageRecord { get; set; }

    public string? MeteringRecordId { get; set; }

    /// <summary>Success, CustomerNotSubscribed or DuplicateRecord.</summary>
    public string? Status { get; set; }
}

public sealed class BatchMeterUsageResponse
{
    public List<UsageRecordResult>? Results { get; set; }

    public List<UsageRecord>? UnprocessedRecords { get; set; }
}
