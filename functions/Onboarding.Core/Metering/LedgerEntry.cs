using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Metering;

public enum LedgerStatus
{
    /// <summary>Written before the call with its final quantity; (re)sent until Marketplace answers.</summary>
    Pending,
    /// <summary>Marketplace accepted it (Success, also for an identical re-send).</summary>
    Reported,
    /// <summary>Marketplace answered CustomerNotSubscribed: not billed, finance should look.</summary>
    CustomerNotSubscribed,
    /// <summary>Marketplace answered DuplicateRecord: a different quantity was sent for this hour before; finance should look.</summary>
    DuplicateRecord,
    /// <summary>Left Marketplace's 6-hour window before it was accepted: not billed (or unconfirmed if it was sent), finance should look.</summary>
    Expired,
}

/// <summary>Identifies one ledger entry: one customer, product, dimension and hour.</summary>
public readonly record struct UsageKey(string CustomerKey, string ProductCode, string Dimension, DateTimeOffset Hour);

/// <summary>One line of the metering ledger. Quantity never changes after the entry is created.</summary>
public sealed record LedgerEntry(
    UsageKey Key,
    int Quantity,
    LedgerStatus Status,
    string? CustomerIdentifier,
    string? CustomerAwsAccountId,
    string? LicenseArn,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Attempts = 0,
    string? MeteringRecordId = null,
    string? Detail = null)
{
    public bool NeedsFinanceAttention =>
        Status is LedgerStatus.CustomerNotSubscribed or LedgerStatus.DuplicateRecord or LedgerStatus.Expired;

    public static LedgerEntry Create(UsageLine line, LedgerStatus status, DateTimeOffset now, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new LedgerEntry(
            line.Key,
            line.Quantity,
            status,
            line.Customer.LicenseArn is { Length: > 0 } ? null : line.Customer.CustomerIdentifier,
            line.Customer.LicenseArn is { Length: > 0 } ? line.Customer.CustomerAwsAccountId : null,
            line.Customer.LicenseArn is { Length: > 0 } ? line.Customer.LicenseArn : null,
            now,
            now,
            Detail: detail);
    }
}

/// <summary>Usage computed for one customer, product, dimension and hour.</summary>
public sealed record UsageLine(UsageKey Key, SubscriptionRef Customer, int Quantity);

/// <summary>A transition of a Pending entry after Marketplace answered (or did not).</summary>
public sealed record LedgerUpdate(UsageKey Key, LedgerStatus Status, string? MeteringRecordId, string? Detail);
