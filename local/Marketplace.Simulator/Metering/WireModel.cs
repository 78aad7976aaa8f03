using System.Text.Json.Serialization;

namespace Marketplace.Simulator.Metering;

// The simulator's own view of the Marketplace JSON 1.1 wire format, written from the API references
// independently of the client in Onboarding.Aws, so tests catch a shape mistake on either side.

public sealed record ResolveCustomerInput(string? RegistrationToken);

public sealed record ResolveCustomerOutput(string CustomerIdentifier, string ProductCode, string CustomerAWSAccountId, string LicenseArn);

public sealed record BatchMeterUsageInput(List<UsageRecordWire>? UsageRecords, string? ProductCode);

public sealed record UsageRecordWire
{
    /// <summary>Epoch seconds, kept as sent so results echo the record unchanged.</summary>
    public decimal? Timestamp { get; init; }

    public string? CustomerIdentifier { get; init; }

    public string? Dimension { get; init; }

    public int? Quantity { get; init; }

    public List<UsageAllocationWire>? UsageAllocations { get; init; }

    public string? CustomerAWSAccountId { get; init; }

    public string? LicenseArn { get; init; }
}

public sealed record UsageAllocationWire(int? AllocatedUsageQuantity, List<TagWire>? Tags);

public sealed record TagWire(string? Key, string? Value);

public sealed record UsageRecordResultWire(UsageRecordWire UsageRecord, string? MeteringRecordId, string Status);

public sealed record BatchMeterUsageOutput(List<UsageRecordResultWire> Results, List<UsageRecordWire> UnprocessedRecords);

public sealed record GetEntitlementsInput(string? ProductCode, Dictionary<string, List<string>>? Filter, string? NextToken, int? MaxResults);

public sealed record EntitlementValueWire(int? IntegerValue, double? DoubleValue, bool? BooleanValue, string? StringValue);

public sealed record EntitlementWire(
    string ProductCode,
    string Dimension,
    string CustomerIdentifier,
    string CustomerAWSAccountId,
    string LicenseArn,
    EntitlementValueWire Value,
    long? ExpirationDate);

public sealed record GetEntitlementsOutput(List<EntitlementWire> Entitlements, string? NextToken);

public sealed record ErrorWire(
    [property: JsonPropertyName("__type")] string Type,
    [property: JsonPropertyName("message")] string Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResolveCustomerInput))]
[JsonSerializable(typeof(ResolveCustomerOutput))]
[JsonSerializable(typeof(BatchMeterUsageInput))]
[JsonSerializable(typeof(BatchMeterUsageOutput))]
[JsonSerializable(typeof(GetEntitlementsInput))]
[JsonSerializable(typeof(GetEntitlementsOutput))]
[JsonSerializable(typeof(ErrorWire))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
